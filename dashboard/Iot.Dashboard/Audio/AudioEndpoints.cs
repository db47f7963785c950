using Iot.Dashboard.Auth;

namespace Iot.Dashboard.Audio;

public static class AudioEndpoints
{
    public const string ContentType = "audio/ogg";

    public static void MapAudioEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/").WithTags("Audio").RequireAuthorization(Policies.ReadContent);
        group.MapGet("/chunks/{chunkId:guid}/audio", async (Guid chunkId, AudioFiles files, CancellationToken ct) =>
            Serve(await files.ForChunkAsync(chunkId, ct).ConfigureAwait(false)));
        group.MapGet("/dialogues/{id:guid}/audio", async (Guid id, AudioFiles files, CancellationToken ct) =>
            Serve(await files.ForDialogueAsync(id, ct).ConfigureAwait(false)));
        group.MapGet("/audio/{day}/{transactionId}", async (DateOnly day, string transactionId, AudioFiles files, CancellationToken ct) =>
            Serve(await files.ForTransactionAsync(day, transactionId, ct).ConfigureAwait(false)));
    }

    private static IResult Serve(IReadOnlyList<string> files) => files.Count switch
    {
        0 => Results.NotFound(),
        1 => Results.File(files[0], ContentType, enableRangeProcessing: true),
        _ => Results.Stream(new ConcatenatedStream(files), ContentType, enableRangeProcessing: true),
    };
}
