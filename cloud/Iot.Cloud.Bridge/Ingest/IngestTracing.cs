using System.Diagnostics;
using Iot.Protocol.Messages;
using Iot.Telemetry;
using MQTTnet.Packets;

namespace Iot.Cloud.Bridge.Ingest;

/// <summary>
/// The <c>chunk.ingest</c> spans of one ingest batch: one per received message, child of the agent's <c>chunk.upload</c>
/// span when the PUBLISH carried a <c>traceparent</c> user property (else a new root), with an event per stage
/// (validated, stored = file written and fsynced, committed = row in the database, acked) and the outcome. Spans exist
/// only while an OpenTelemetry listener is on; otherwise every call here is a no-op on nulls.
/// </summary>
internal sealed class IngestTracing : IDisposable
{
    public const string SourceName = "Iot.Cloud.Bridge.Ingest";

    private static readonly ActivitySource Source = new(SourceName);
    private readonly Dictionary<ReceivedMessage, Activity> _byMessage = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Guid, List<Activity>> _byChunk = [];

    /// <summary>The sender's trace context, if any; a device's other user properties (a fuzzer sends dozens) are skipped unread.</summary>
    public static (string? TraceParent, string? TraceState) ReadContext(IReadOnlyCollection<MqttUserProperty>? properties)
    {
        if (properties is null || properties.Count == 0)
        {
            return (null, null);
        }

        string? parent = null;
        string? state = null;
        foreach (var property in properties)
        {
            if (parent is null && property.Name == TraceParent.PropertyName)
            {
                parent = property.ReadValueAsString();
            }
            else if (state is null && property.Name == TraceParent.StatePropertyName)
            {
                state = property.ReadValueAsString();
            }
        }

        return (parent, state);
    }

    /// <summary>Starts the message's span; it becomes current for the caller so log lines about it carry its trace id.</summary>
    public Activity? Start(ReceivedMessage message)
    {
        var parent = TraceParent.Parse(message.TraceParent, message.TraceState) ?? default;
        var activity = TraceParent.StartDetached(Source, "chunk.ingest", ActivityKind.Consumer, parent);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("messaging.system", "mqtt");
        activity.SetTag("messaging.destination.name", message.Topic);
        activity.SetTag("messaging.message.body.size", message.Payload.Length);
        _byMessage[message] = activity;
        Activity.Current = activity;
        return activity;
    }

    /// <summary>The envelope decoded: from here on the span is found by chunk id.</summary>
    public void Identify(ReceivedMessage message, ChunkMetadata metadata)
    {
        if (!_byMessage.TryGetValue(message, out var activity))
        {
            return;
        }

        activity.SetTag(IotAttributes.ChunkId, metadata.ChunkId.ToString());
        activity.SetTag(IotAttributes.TenantId, metadata.TenantId);
        activity.SetTag(IotAttributes.DeviceId, metadata.DeviceId);
        activity.SetTag(IotAttributes.Sequence, metadata.Sequence);
        if (!_byChunk.TryGetValue(metadata.ChunkId, out var list))
        {
            _byChunk[metadata.ChunkId] = list = [];
        }

        list.Add(activity);
    }

    public void Event(Guid chunkId, string name)
    {
        foreach (var activity in Spans(chunkId))
        {
            activity.AddEvent(new ActivityEvent(name));
        }
    }

    /// <summary>Sets the outcome of the chunk's spans (a replay within the batch shares its chunk id) that have none yet.</summary>
    public void Outcome(Guid chunkId, string outcome)
    {
        foreach (var activity in Spans(chunkId))
        {
            SetOutcome(activity, outcome);
        }
    }

    public void Outcome(ReceivedMessage message, string outcome)
    {
        if (_byMessage.TryGetValue(message, out var activity))
        {
            SetOutcome(activity, outcome);
        }
    }

    /// <summary>Runs <paramref name="log"/> with the chunk's span current, so the log line carries its trace and span id.</summary>
    public void Within(Guid chunkId, Action log)
    {
        var previous = Activity.Current;
        if (_byChunk.TryGetValue(chunkId, out var list) && list.Count > 0)
        {
            Activity.Current = list[0];
        }

        try
        {
            log();
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>The whole batch failed (database down, disk full): nothing was acked.</summary>
    public void Fail(Exception exception)
    {
        foreach (var activity in _byMessage.Values)
        {
            activity.AddException(exception);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            SetOutcome(activity, "failed");
        }
    }

    public void Dispose()
    {
        foreach (var activity in _byMessage.Values)
        {
            SetOutcome(activity, "unacked");
            activity.Stop();
        }

        _byMessage.Clear();
        _byChunk.Clear();
    }

    private static void SetOutcome(Activity activity, string outcome)
    {
        if (activity.GetTagItem(IotAttributes.Outcome) is null)
        {
            activity.SetTag(IotAttributes.Outcome, outcome);
        }
    }

    private IEnumerable<Activity> Spans(Guid chunkId) => _byChunk.TryGetValue(chunkId, out var list) ? list : [];
}
