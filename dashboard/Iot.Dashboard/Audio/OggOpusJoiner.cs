using Iot.Cloud.Storage;
using Iot.Protocol.Audio;

namespace Iot.Dashboard.Audio;

/// <summary>
/// Several chunk files as one Ogg Opus stream (one serial, continuous granule positions), so a browser plays and seeks
/// a multi-chunk dialogue as a single file. Each chunk is decoded (pre-skip dropped, end trimmed) and the PCM encoded
/// again: joining Ogg pages instead would keep every chunk's encoder priming and end padding inside the stream and
/// let the decoder run across unrelated encoder states. Each chunk fills exactly its row's duration_ms (padded with
/// silence or cut), so a chunk starts at the sum of the earlier durations, which the player can compute too.
/// </summary>
public static class OggOpusJoiner
{
    /// <summary>Speech quality of the agent, at a cost that keeps a few minutes of audio to about a second of CPU.</summary>
    private static readonly OpusSettings Settings = new() { SampleRate = OpusFileDecoder.SampleRate, BitrateBps = 24000, Complexity = 5 };

    private const int SamplesPerMs = OpusFileDecoder.SampleRate / 1000;

    public static async Task WriteAsync(IReadOnlyList<ChunkFile> chunks, IAudioStore store, Stream output, CancellationToken ct)
    {
        using var writer = new OggOpusWriter(output, Settings, serial: (uint)Random.Shared.Next(), comments: ["ENCODER=iot-dashboard (joined chunks)"]);
        foreach (var chunk in chunks)
        {
            ct.ThrowIfCancellationRequested();
            var pcm = OpusFileDecoder.Decode(await ReadAsync(store, chunk.Key, ct).ConfigureAwait(false));
            var wanted = chunk.DurationMs * SamplesPerMs;
            writer.Write(pcm.AsSpan(0, Math.Min(wanted, pcm.Length)));
            if (pcm.Length < wanted)
            {
                writer.Write(new short[wanted - pcm.Length]);
            }
        }

        writer.Finish();
    }

    private static async Task<byte[]> ReadAsync(IAudioStore store, string key, CancellationToken ct)
    {
        var stream = await store.OpenReadAsync(key, null, ct).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"audio '{key}' is gone from {store.Location}", key);
        await using (stream.ConfigureAwait(false))
        {
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes, ct).ConfigureAwait(false);
            return bytes.ToArray();
        }
    }

    /// <summary>Where each chunk starts in the joined stream (ms).</summary>
    public static IReadOnlyDictionary<Guid, int> Starts(IReadOnlyList<ChunkFile> chunks)
    {
        var starts = new Dictionary<Guid, int>();
        var at = 0;
        foreach (var chunk in chunks)
        {
            starts.TryAdd(chunk.ChunkId, at);
            at += chunk.DurationMs;
        }

        return starts;
    }
}
