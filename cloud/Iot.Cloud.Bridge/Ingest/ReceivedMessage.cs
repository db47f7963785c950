namespace Iot.Cloud.Bridge.Ingest;

/// <summary>
/// A chunk message copied out of MQTTnet's buffers, waiting for an ingest worker. <see cref="Release"/> sends the
/// MQTT-level PUBACK; the worker calls it only once the message's outcome is settled, so while the bridge is busy the
/// backlog stays unacknowledged with the broker (receive maximum) or waits for room in the queue, never dropped. <see cref="TraceParent"/>/<see cref="TraceState"/>
/// are the sender's W3C trace context from MQTT 5 user properties, when it sent one.
/// </summary>
public sealed record ReceivedMessage(string Topic, byte[] Payload, DateTimeOffset ReceivedAtUtc, Func<CancellationToken, Task>? Release = null, string? TraceParent = null, string? TraceState = null);
