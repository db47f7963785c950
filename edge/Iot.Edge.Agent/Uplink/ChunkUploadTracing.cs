using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Iot.Telemetry;
using MQTTnet;

namespace Iot.Edge.Agent.Uplink;

/// <summary>
/// One <c>chunk.upload</c> span per chunk from PUBLISH to the cloud's application ack (or timeout, refusal, session
/// loss), carried to the bridge as a W3C <c>traceparent</c> MQTT 5 user property so the bridge's <c>chunk.ingest</c> span
/// joins the same trace. Without an OpenTelemetry listener no span starts and nothing is added to the PUBLISH. At most
/// <c>Mqtt:MaxInFlight</c> spans are open: exactly the chunks awaiting an ack.
/// </summary>
internal sealed class ChunkUploadTracing : IDisposable
{
    public const string SourceName = "Iot.Edge.Agent.Uplink";

    private static readonly ActivitySource Source = new(SourceName);
    private readonly ConcurrentDictionary<Guid, Activity> _open = new();
    private readonly Meter _meter = new(SourceName);

    public ChunkUploadTracing(UplinkStatus status)
    {
        // Views of the counters the health endpoint already shows; exported only when OTLP is on.
        _meter.CreateObservableCounter("iot.agent.chunks.published", () => status.Published);
        _meter.CreateObservableCounter("iot.agent.chunks.acked", () => status.Acked);
        _meter.CreateObservableCounter("iot.agent.chunks.ack_timeouts", () => status.AckTimeouts);
        _meter.CreateObservableCounter("iot.agent.broker.connects", () => status.Connects);
        _meter.CreateObservableCounter("iot.agent.broker.failovers", () => status.Failovers);
    }

    /// <summary>Starts the chunk's span (a resend starts a new one) and adds its trace context to the message.</summary>
    public void OnPublishing(MqttApplicationMessageBuilder message, Guid chunkId, string tenantId, string deviceId, long sequence, int attempt)
    {
        var activity = TraceParent.StartDetached(Source, "chunk.upload", ActivityKind.Producer);
        if (activity is null)
        {
            return;
        }

        activity.SetTag(IotAttributes.ChunkId, chunkId.ToString());
        activity.SetTag(IotAttributes.TenantId, tenantId);
        activity.SetTag(IotAttributes.DeviceId, deviceId);
        activity.SetTag(IotAttributes.Sequence, sequence);
        activity.SetTag(IotAttributes.Attempt, attempt);
        activity.SetTag("messaging.system", "mqtt");
        if (TraceParent.Format(activity) is { } traceparent)
        {
            message.WithUserProperty(TraceParent.PropertyName, System.Text.Encoding.UTF8.GetBytes(traceparent).AsMemory());
        }

        if (_open.TryRemove(chunkId, out var stale))
        {
            End(stale, "resent");
        }

        _open[chunkId] = activity;
    }

    /// <summary>PUBACK received: the broker has it; the span stays open for the cloud's ack.</summary>
    public void OnPublished(Guid chunkId)
    {
        if (_open.TryGetValue(chunkId, out var activity))
        {
            activity.AddEvent(new ActivityEvent("puback"));
        }
    }

    /// <summary>Ends the chunk's span; <paramref name="log"/> runs with the span current so its line carries the trace id.</summary>
    public void OnFinished(Guid chunkId, string outcome, bool error = false, Action? log = null)
    {
        _open.TryRemove(chunkId, out var activity);
        if (activity is not null && log is not null)
        {
            var previous = Activity.Current;
            Activity.Current = activity;
            try
            {
                log();
            }
            finally
            {
                Activity.Current = previous;
            }
        }
        else
        {
            log?.Invoke();
        }

        if (activity is not null)
        {
            if (error)
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome);
            }

            End(activity, outcome);
        }
    }

    /// <summary>The session ended or was replaced: every chunk in flight will be resent under a new span.</summary>
    public void OnSessionLost()
    {
        foreach (var id in _open.Keys)
        {
            if (_open.TryRemove(id, out var activity))
            {
                End(activity, "session-lost");
            }
        }
    }

    public void Dispose()
    {
        OnSessionLost();
        _meter.Dispose();
    }

    private static void End(Activity activity, string outcome)
    {
        activity.SetTag(IotAttributes.Outcome, outcome);
        activity.Stop();
    }
}
