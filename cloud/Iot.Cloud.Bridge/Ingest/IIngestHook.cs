using Iot.Protocol.Messages;

namespace Iot.Cloud.Bridge.Ingest;

/// <summary>
/// Seam between "durable" and "acked". Production registers none; fault tests use it to stop a bridge exactly after
/// the database commit and before the ack, the window that makes redelivery necessary.
/// </summary>
public interface IIngestHook
{
    /// <summary>Return false to withhold the acks for this batch.</summary>
    ValueTask<bool> BeforeAckAsync(IReadOnlyList<ChunkMetadata> persisted, CancellationToken cancellationToken);
}
