namespace Iot.Cloud.Bridge.Ingest;

/// <summary>A chunk message copied out of MQTTnet's buffers, waiting for an ingest worker.</summary>
public sealed record ReceivedMessage(string Topic, byte[] Payload, DateTimeOffset ReceivedAtUtc);
