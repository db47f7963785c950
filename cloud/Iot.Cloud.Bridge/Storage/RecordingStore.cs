using System.Globalization;
using Iot.Cloud.Storage;
using Iot.Cloud.Storage.Local;
using Iot.Protocol.Messages;

namespace Iot.Cloud.Bridge.Storage;

/// <summary>
/// The bridge's view of the audio store (<c>Storage:Kind</c>, local directory or S3 bucket): one deterministic key per
/// chunk, so a resend lands on the key it already has and is recognised by its hash instead of stored twice.
/// </summary>
public sealed class RecordingStore(IAudioStore audio)
{
    /// <summary>Suffix of the local store's temp files (see <see cref="TempFileSweeper"/>).</summary>
    public const string TempSuffix = LocalAudioStore.TempSuffix;

    public IAudioStore Audio => audio;

    /// <summary>
    /// The key (and <c>chunks.storage_path</c>) of a chunk: <c>recordings/YYYY-MM-DD/{device}/{name}.opus</c>, UTC date of
    /// its start. With a queue-system visit the name starts with the transaction id, so all audio of a visit is found
    /// by date + transaction id; the chunk id keeps the several chunks of a long visit apart.
    /// </summary>
    public static string RelativePath(ChunkMetadata m)
    {
        var date = m.StartedAtUtc.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var name = m.TransactionId is null ? m.ChunkId.ToString("n") : m.TransactionId + "_" + m.ChunkId.ToString("n");
        // '/' on every platform: the key is also an object key and a row other machines read.
        return $"recordings/{date}/{m.DeviceId}/{name}.opus";
    }

    public async Task<StoreResult> WriteAsync(ChunkMetadata metadata, byte[] content, CancellationToken cancellationToken) =>
        await audio.PutAsync(RelativePath(metadata), content, metadata.Sha256, cancellationToken).ConfigureAwait(false) switch
        {
            PutOutcome.Written => StoreResult.Written,
            PutOutcome.AlreadyPresent => StoreResult.AlreadyPresent,
            _ => StoreResult.Conflict,
        };

    /// <summary>
    /// Makes a batch's writes durable (local: one directory fsync per directory; S3: already so once the PUT was
    /// acknowledged). Must run before the rows are committed and acked.
    /// </summary>
    public void SyncDirectories(IEnumerable<ChunkMetadata> written) => audio.MakeDurable(written.Select(RelativePath));
}
