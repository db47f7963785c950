namespace Iot.Cloud.Bridge.Ingest;

/// <summary>
/// A chunk message copied out of MQTTnet's buffers, waiting for an ingest worker. <see cref="Release"/> sends the
/// MQTT-level PUBACK; the worker calls it only once the message's outcome is settled, so the broker's flow control
/// (receive maximum) is what holds the backlog while the bridge is busy.
/// </summary>
public sealed record ReceivedMessage(string Topic, byte[] Payload, DateTimeOffset ReceivedAtUtc, Func<CancellationToken, Task>? Release = null);
