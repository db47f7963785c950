using Iot.Protocol.Messages;

namespace Iot.Cloud.Bridge.Ingest;

/// <summary>
/// Seam between "durable" and "acked". Production registers none; fault tests use it to stop a bridge exactly after
/// the database commit and before the ack, the window that makes redelivery necessary, or between the durable files and
/// the commit.
/// </summary>
public interface IIngestHook
{
    /// <summary>
    /// Called once the batch's files are durable and before its rows are inserted. Return false to stop the batch
    /// there (no rows, no acks), as a crash between the two stages would.
    /// </summary>
    ValueTask<bool> BeforeCommitAsync(IReadOnlyList<ChunkMetadata> stored, CancellationToken cancellationToken) => ValueTask.FromResult(true);

    /// <summary>Return false to withhold the acks for this batch.</summary>
    ValueTask<bool> BeforeAckAsync(IReadOnlyList<ChunkMetadata> persisted, CancellationToken cancellationToken);
}
