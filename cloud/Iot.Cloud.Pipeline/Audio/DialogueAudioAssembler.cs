using Iot.Cloud.Pipeline.Transcription;
using Iot.Cloud.Storage;
using Iot.Protocol.Audio;

namespace Iot.Cloud.Pipeline.Audio;

/// <summary>A dialogue segment with the key of its chunk's audio in the audio store (chunks.storage_path).</summary>
public sealed record SegmentSource(TimelineSegment Segment, string? StoragePath);

/// <summary>
/// Builds a dialogue's 16 kHz audio: each chunk read once from the audio store (a local directory or a bucket, so a
/// worker needs no other machine's disk) and decoded, the laid-out regions copied back to back.
/// </summary>
public sealed class DialogueAudioAssembler(IAudioStore store)
{
    private const int SamplesPerMs = OpusFileDecoder.SampleRate / 1000;

    public async Task<DialogueAudio> AssembleAsync(IReadOnlyList<SegmentSource> sources, int paddingMs, CancellationToken cancellationToken)
    {
        var placements = DialogueTimeline.Layout([.. sources.Select(s => s.Segment)], paddingMs);
        var paths = sources.GroupBy(s => s.Segment.ChunkId).ToDictionary(g => g.Key, g => g.First().StoragePath);
        var decoded = new Dictionary<Guid, short[]>();
        var total = placements.Count == 0 ? 0 : placements[^1].RegionOffsetMs + placements[^1].LengthMs;
        var pcm = new short[total * SamplesPerMs];
        foreach (var p in placements)
        {
            var chunkId = p.Segment.ChunkId;
            if (!decoded.TryGetValue(chunkId, out var samples))
            {
                var path = paths[chunkId] ?? throw new InvalidOperationException($"chunk {chunkId} has no audio file (metadata-only or purged)");
                samples = OpusFileDecoder.Decode(await ReadAsync(chunkId, path, cancellationToken).ConfigureAwait(false));
                decoded[chunkId] = samples;
            }

            // A file shorter than its metadata claims leaves silence rather than failing the dialogue.
            var from = Math.Min(samples.Length, p.SourceStartMs * SamplesPerMs);
            var count = Math.Min(samples.Length - from, p.LengthMs * SamplesPerMs);
            samples.AsSpan(from, count).CopyTo(pcm.AsSpan(p.RegionOffsetMs * SamplesPerMs));
        }

        return new DialogueAudio(pcm, OpusFileDecoder.SampleRate);
    }

    private async Task<byte[]> ReadAsync(Guid chunkId, string key, CancellationToken cancellationToken)
    {
        // Missing audio is an error the job retries (and then reports), as a missing file always was.
        var stream = await store.OpenReadAsync(key, null, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"audio of chunk {chunkId} is missing: {store.Location}, key '{key}'", key);
        await using (stream.ConfigureAwait(false))
        {
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
            return bytes.ToArray();
        }
    }
}
