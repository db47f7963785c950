using Iot.Protocol;

namespace Iot.Cloud.Bridge.Ingest;

/// <summary>Section <c>Bridge</c>.</summary>
public sealed class BridgeOptions
{
    public const string Section = "Bridge";

    /// <summary>Stable per instance: it names the MQTT session, so a restarted bridge picks up what queued for it.</summary>
    public string InstanceId { get; set; } = "bridge-1";

    public int IngestWorkers { get; set; } = 2;

    /// <summary>
    /// Per worker, how many batches may have their files written and fsynced while an earlier one is being inserted,
    /// committed and acked; batches waiting so are committed together in one transaction. 0 (default) = one batch
    /// through all steps at a time: on one disk the overlap measured no gain (bench/README.md). A chunk is acked only
    /// after its file and its row are durable either way.
    /// </summary>
    public int StoreAheadBatches { get; set; }

    /// <summary>Chunks persisted per database round trip.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Received chunks waiting for a worker; also the MQTT receive maximum the bridge asks for. When full, the bridge
    /// waits for room before taking the next message (the broker holds the rest, unacknowledged): backpressure, never a
    /// drop. Time spent so shows as <c>iot_bridge_ingest_paused_seconds_total</c>.
    /// </summary>
    public int QueueCapacity { get; set; } = 256;

    public int MaxPayloadBytes { get; set; } = ProtocolLimits.DefaultMaxChunkPayloadBytes;

    /// <summary>"tenant/device" pairs registered at start-up: a convenience for demos until provisioning registers devices.</summary>
    public List<string> SeedDevices { get; set; } = [];
}
