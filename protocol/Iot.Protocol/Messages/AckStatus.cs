namespace Iot.Protocol.Messages;

public enum AckStatus
{
    /// <summary>Durable in the cloud (file fsynced and row committed); the device may delete its copy.</summary>
    Stored,

    /// <summary>Was already durable; the device may delete its copy.</summary>
    Duplicate,

    /// <summary>Not stored. The device keeps its copy and retries only if <see cref="ChunkAck.Retryable"/>.</summary>
    Rejected,
}
