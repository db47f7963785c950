using Iot.Protocol.Messages;

namespace Iot.Edge.Agent.Transcription;

/// <summary>
/// The speech of one sealed chunk. <paramref name="Pcm"/> is the samples of <paramref name="Speech"/>'s spans laid
/// end to end (silence between them cut out), 16 kHz mono S16; the queue keeps a reference, so hand it a buffer that
/// is not reused. Without voice detection pass one span covering the whole chunk.
/// </summary>
public sealed record TranscriptionRequest(Guid ChunkId, int ChunkDurationMs, IReadOnlyList<SpeechSegment> Speech, ReadOnlyMemory<short> Pcm, int SampleRate)
{
    /// <summary>
    /// Cuts the speech out of a whole chunk's PCM (a copy, so the recorder may reuse its buffer); null when the chunk
    /// holds no speech and there is nothing to transcribe.
    /// </summary>
    public static TranscriptionRequest? ForChunk(Guid chunkId, ReadOnlySpan<short> chunkPcm, int sampleRate, IReadOnlyList<SpeechSegment> speech)
    {
        ArgumentNullException.ThrowIfNull(speech);
        var durationMs = (int)(chunkPcm.Length * 1000L / sampleRate);
        var samples = chunkPcm.Length;
        var spans = speech.Select(s => (Start: (int)Math.Min(samples, (long)s.StartMs * sampleRate / 1000), End: (int)Math.Min(samples, (long)s.EndMs * sampleRate / 1000)))
            .Where(s => s.End > s.Start)
            .ToList();
        if (spans.Count == 0)
        {
            return null;
        }

        var pcm = new short[spans.Sum(s => s.End - s.Start)];
        var at = 0;
        foreach (var (start, end) in spans)
        {
            chunkPcm[start..end].CopyTo(pcm.AsSpan(at));
            at += end - start;
        }

        return new TranscriptionRequest(chunkId, durationMs, speech, pcm, sampleRate);
    }
}
