using Iot.Cloud.Storage;
using Iot.Cloud.Storage.Local;
using Iot.Dashboard.Auth;

namespace Iot.Dashboard.Audio;

public static class AudioEndpoints
{
    public const string ContentType = "audio/ogg";

    public static void MapAudioEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/").WithTags("Audio").RequireAuthorization(Policies.ReadContent);
        group.MapGet("/chunks/{chunkId:guid}/audio", async (Guid chunkId, AudioFiles files, JoinedAudioCache joined, IAudioStore store, CancellationToken ct) =>
            await ServeAsync(await files.ForChunkAsync(chunkId, ct).ConfigureAwait(false), joined, store, ct).ConfigureAwait(false));
        group.MapGet("/dialogues/{id:guid}/audio", async (Guid id, AudioFiles files, JoinedAudioCache joined, IAudioStore store, CancellationToken ct) =>
            await ServeAsync(await files.ForDialogueAsync(id, ct).ConfigureAwait(false), joined, store, ct).ConfigureAwait(false));
        group.MapGet("/audio/{day}/{transactionId}", async (DateOnly day, string transactionId, AudioFiles files, JoinedAudioCache joined, IAudioStore store, CancellationToken ct) =>
            await ServeAsync(await files.ForTransactionAsync(day, transactionId, ct).ConfigureAwait(false), joined, store, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// One chunk: its audio as is, straight from the store (a local file, or ranged reads of the object so a player's
    /// seek fetches only what it plays). Several: one joined Ogg Opus stream (<see cref="OggOpusJoiner"/>).
    /// </summary>
    private static async Task<IResult> ServeAsync(IReadOnlyList<ChunkFile> files, JoinedAudioCache joined, IAudioStore store, CancellationToken ct) => files.Count switch
    {
        0 => Results.NotFound(),
        1 when store is LocalAudioStore local => Results.File(local.PathOf(files[0].Key), ContentType, enableRangeProcessing: true),
        1 => Results.File(new SeekableAudioStream(store, files[0].Key, files[0].Length), ContentType, lastModified: files[0].LastModifiedUtc, enableRangeProcessing: true),
        _ => Results.File(await joined.GetAsync(files, ct).ConfigureAwait(false), ContentType, enableRangeProcessing: true),
    };
}
