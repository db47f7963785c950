using Iot.Edge.Agent.Transcription;
using Iot.Edge.Audio;
using Iot.Protocol.Messages;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Transcription;

/// <summary>A chunk of real espeak-ng speech with silence cut out, as a voice detector would hand it over.</summary>
internal static class SpeechChunk
{
    public static async Task<short[]> PcmAsync(double seconds)
    {
        var wav = await SpeechAudio.WavAsync(seconds);
        await using var source = new WavFileSource(wav, loop: false, realTime: false, TimeProvider.System);
        var all = new List<short>();
        var buffer = new short[16000];
        int read;
        while ((read = await source.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            all.AddRange(buffer.AsSpan(0, read));
        }

        return [.. all];
    }

    /// <summary>A chunk of <paramref name="chunkMs"/> whose speech is the given spans, filled from real speech.</summary>
    public static async Task<TranscriptionRequest> RequestAsync(int chunkMs, params SpeechSegment[] speech)
    {
        var speechMs = speech.Sum(s => s.EndMs - s.StartMs);
        var pcm = await PcmAsync(speechMs / 1000.0);
        return new TranscriptionRequest(Guid.CreateVersion7(), chunkMs, speech, pcm, 16000);
    }
}
