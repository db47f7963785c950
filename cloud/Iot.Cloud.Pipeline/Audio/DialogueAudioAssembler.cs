using Iot.Cloud.Pipeline.Storage;
using Iot.Cloud.Pipeline.Transcription;
using Microsoft.Extensions.Options;
using Iot.Protocol.Audio;

namespace Iot.Cloud.Pipeline.Audio;

/// <summary>A dialogue segment with the file holding its chunk's audio (relative to the storage root).</summary>
public sealed record SegmentSource(TimelineSegment Segment, string? StoragePath);

/// <summary>Builds a dialogue's 16 kHz audio: each chunk decoded once, the laid-out regions copied back to back.</summary>
public sealed class DialogueAudioAssembler(IOptions<PipelineStorageOptions> storage)
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
                samples = await OpusFileDecoder.DecodeFileAsync(storage.Value.FullPath(path), cancellationToken).ConfigureAwait(false);
                decoded[chunkId] = samples;
            }

            // A file shorter than its metadata claims leaves silence rather than failing the dialogue.
            var from = Math.Min(samples.Length, p.SourceStartMs * SamplesPerMs);
            var count = Math.Min(samples.Length - from, p.LengthMs * SamplesPerMs);
            samples.AsSpan(from, count).CopyTo(pcm.AsSpan(p.RegionOffsetMs * SamplesPerMs));
        }

        return new DialogueAudio(pcm, OpusFileDecoder.SampleRate);
    }
}
