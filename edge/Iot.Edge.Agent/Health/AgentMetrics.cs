using Iot.Edge.Audio;
using Iot.Telemetry.Metrics;

namespace Iot.Edge.Agent.Health;

/// <summary>The <c>GET /metrics</c> page: the same snapshot as <c>/health</c>, as Prometheus counters and gauges.</summary>
internal static class AgentMetrics
{
    public static string Render(AgentHealthSnapshot s)
    {
        var top = ConditionEvaluator.Top(s);
        var text = new PrometheusText()
            .Counter("iot_agent_chunks_sealed_total", "Chunks sealed into the outbox since the agent started.", s.ChunksSealed)
            .Counter("iot_agent_chunks_lost_total", "Chunks in progress discarded because they could not be written (disk full, I/O error).", s.ChunksLost)
            .Counter("iot_agent_chunks_published_total", "Chunk publishes accepted by the broker since start (resends included).", s.Published)
            .Counter("iot_agent_chunks_acked_total", "Chunks the cloud confirmed stored since start.", s.Acked)
            .Counter("iot_agent_ack_timeouts_total", "Chunks resent because the cloud's ack did not arrive in time.", s.AckTimeouts)
            .Counter("iot_agent_mqtt_connects_total", "Successful broker connections since start.", s.Connects)
            .Counter("iot_agent_mqtt_failovers_total", "Broker sessions that came up on another Mqtt:Hosts entry than the one before.", s.BrokerFailovers)
            .Gauge("iot_agent_outbox_depth", "Chunks waiting in the outbox for the cloud's ack.", s.OutboxDepth)
            .Gauge("iot_agent_outbox_bytes", "Audio bytes waiting in the outbox.", s.OutboxBytes)
            .Gauge("iot_agent_outbox_oldest_pending_age_seconds", "Age of the oldest waiting chunk; 0 when none waits.", s.OldestPendingAge?.TotalSeconds ?? 0)
            .Gauge("iot_agent_chunks_quarantined", "Chunks refused for good and kept on disk for a technician.", s.Quarantined)
            .Gauge("iot_agent_spool_bytes", "Bytes used by the spool directory (audio files and outbox database).", s.SpoolUsageBytes)
            .Gauge("iot_agent_mqtt_connected", "1 while connected to the broker.", s.Connected ? 1 : 0)
            .Gauge("iot_agent_recording", "1 while the recorder is taking audio.", s.Recording ? 1 : 0)
            .Gauge("iot_agent_faults", "Faults currently raised; any makes the device report an error.", s.Faults.Count)
            .Gauge("iot_agent_uptime_seconds", "Seconds since the agent started.", Math.Round(s.Uptime.TotalSeconds, 3))
            // Memory, so a fleet dashboard can watch the agent's footprint on small devices (edge/README.md "Memory").
            .Gauge("process_resident_memory_bytes", "Resident set size of the agent process.", Environment.WorkingSet)
            .Gauge("dotnet_gc_heap_size_bytes", "Managed heap size after the last garbage collection.", GC.GetGCMemoryInfo().HeapSizeBytes)
            .Gauge("dotnet_gc_committed_bytes", "Memory the garbage collector has committed from the OS.", GC.GetGCMemoryInfo().TotalCommittedBytes)
            .Counter("dotnet_gc_allocated_bytes_total", "Managed bytes allocated since start.", GC.GetTotalAllocatedBytes())
            .OneHot("iot_agent_condition", "The condition the status LED shows, 1 for the current one.", "condition", Enum.GetValues<DeviceCondition>().Select(HealthReport.Name), HealthReport.Name(top));
        if (s.Mic is { } mic)
        {
            text.OneHot("iot_agent_mic_state", "Microphone state, 1 for the current one (absent when the source is a file).", "state", Enum.GetNames<MicState>().Select(n => n.ToLowerInvariant()), mic.ToString().ToLowerInvariant());
        }

        if (s.Broker is { } broker)
        {
            text.Info("iot_agent_mqtt_broker_info", "The broker of the current session (the last one while disconnected); always 1.", ("broker", broker));
        }

        return text.Info("iot_agent_info", "Build and engine information; always 1.", ("version", s.Version), ("vad_engine", s.VadEngine)).ToString();
    }
}
