using Iot.Cloud.Bridge.Ingest;
using Iot.Protocol.Messages;
using Iot.Telemetry.Metrics;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>The ingest counters in Prometheus text, every rejection reason listed even at zero so alerts can rate() it.</summary>
internal static class BridgeMetricsText
{
    public static string Render(IngestMetrics m, bool brokerConnected, string instanceId, string version) =>
        new PrometheusText()
            .Info("iot_bridge_info", "Bridge instance and version.", ("instance", instanceId), ("version", version))
            .Gauge("iot_bridge_broker_connected", "1 while the bridge holds its broker session and subscription.", brokerConnected ? 1 : 0)
            .Counter("iot_bridge_chunks_received_total", "Chunk messages received from the broker.", m.Received)
            .Counter("iot_bridge_chunks_stored_total", "Chunks committed to PostgreSQL and storage for the first time.", m.Stored)
            .Counter("iot_bridge_chunks_duplicate_total", "Chunks already stored (a redelivery), acked again.", m.Duplicates)
            .Counter("iot_bridge_audio_restored_total", "Resent chunks whose audio the orphan sweep had deleted, stored again before their row.", m.AudioRestored)
            .Counter("iot_bridge_acks_published_total", "Acks published to devices.", m.AcksPublished)
            .Counter("iot_bridge_batch_failures_total", "Batches that failed (database or storage); their chunks are not acked and come back.", m.BatchFailures)
            .Counter("iot_bridge_unroutable_total", "Messages whose topic names no device, dropped without an answer.", m.Unroutable)
            .Counter("iot_bridge_rejection_counts_dropped_total", "Rejections not added to the per-device hourly counts (too many distinct devices at once).", m.RejectionCountsDropped)
            .Counter("iot_bridge_ingest_paused_total", "Times the ingest queue was full and the bridge stopped taking messages from the broker until a worker made room (backpressure; nothing is dropped).", m.Pauses)
            .Counter("iot_bridge_ingest_paused_seconds_total", "Time the bridge spent waiting for room in the ingest queue; a rate near 1 means ingest runs at its limit.", m.PausedTime.TotalSeconds)
            .Gauge("iot_bridge_ingest_paused", "1 while the bridge waits for room in the ingest queue.", m.IsPaused ? 1 : 0)
            .Counters(
                "iot_bridge_chunks_rejected_total",
                "Chunks rejected, by reason (the device is told and quarantines the chunk).",
                Enum.GetValues<RejectReason>().Where(r => r != RejectReason.None).Select(r => ((double)m.Rejected(r), new[] { ("reason", r.ToString()) })))
            .ToString();
}
