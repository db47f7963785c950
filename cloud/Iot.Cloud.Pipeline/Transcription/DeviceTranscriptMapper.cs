using System.Text.Json;
using Iot.Cloud.Pipeline.Audio;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>
/// Turns the transcripts devices sent with their chunks into the dialogue's transcript (engine <c>device</c>): each
/// phrase that overlaps the dialogue's audio of its chunk is kept, its times moved onto the dialogue timeline.
/// </summary>
public static class DeviceTranscriptMapper
{
    public const string Engine = "device";
    public const string UnknownLanguage = "und";

    /// <param name="transcripts">Chunk id → the device transcript JSON (chunks.device_transcript).</param>
    public static Transcript Map(IReadOnlyList<TimelinePlacement> placements, IReadOnlyDictionary<Guid, string> transcripts)
    {
        var utterances = new List<Utterance>();
        var languages = new List<string>();
        foreach (var chunkId in placements.Select(p => p.Segment.ChunkId).Distinct())
        {
            var transcript = JsonSerializer.Deserialize(transcripts[chunkId], ProtocolJsonContext.Default.ChunkTranscript)
                ?? throw new JsonException($"device transcript of chunk {chunkId} is JSON null");
            languages.Add(transcript.Language);
            var regions = placements.Where(p => p.Segment.ChunkId == chunkId).ToList();
            foreach (var phrase in transcript.Segments)
            {
                if (Place(regions, phrase) is { } utterance && utterance.Text.Length > 0)
                {
                    utterances.Add(utterance);
                }
            }
        }

        var language = languages
            .Where(l => l != UnknownLanguage)
            .GroupBy(l => l, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)
            .FirstOrDefault() ?? UnknownLanguage;
        return new Transcript(Engine, language, [.. utterances.OrderBy(u => u.StartMs).ThenBy(u => u.EndMs)]);
    }

    private static Utterance? Place(List<TimelinePlacement> regions, TranscriptSegment phrase)
    {
        var overlapping = regions.Where(r => phrase.StartMs < r.SourceEndMs && phrase.EndMs > r.SourceStartMs).ToList();
        if (overlapping.Count == 0)
        {
            // Said outside this dialogue's part of the chunk (the chunk is shared with a neighbouring dialogue).
            return null;
        }

        var first = overlapping[0];
        var last = overlapping[^1];
        var start = first.RegionOffsetMs + (Math.Max(phrase.StartMs, first.SourceStartMs) - first.SourceStartMs);
        var end = last.RegionOffsetMs + (Math.Min(phrase.EndMs, last.SourceEndMs) - last.SourceStartMs);
        return new Utterance(start, Math.Max(start, end), phrase.Text.Trim());
    }
}
