using System.Diagnostics;
using Concentus;
using Concentus.Enums;
using Iot.Cloud.Pipeline.Transcription;
using Iot.TestSupport.Dialogues;

namespace Iot.Bench.Analysis;

/// <summary>
/// Does the agent's Opus mode change what the cloud can transcribe? The English espeak-ng dialogues go through
/// PocketSphinx as raw PCM and after an Opus round trip at the agent's bitrate and complexity, once with the voice
/// signal hint (libopus picks SILK) and once with the music hint (CELT), and the word error rates are compared with
/// what each mode costs to encode.
/// </summary>
internal static class CodecWer
{
    private const int SampleRate = 16000;
    private const int Frame = SampleRate / 50;

    public static async Task<int> RunAsync(ITranscriber pocketSphinx, int bitrate, int complexity)
    {
        var modes = new (string Name, OpusSignal? Signal)[] { ("raw PCM", null), ("opus voice (SILK)", OpusSignal.OPUS_SIGNAL_VOICE), ("opus music (CELT)", OpusSignal.OPUS_SIGNAL_MUSIC) };
        var errors = new int[modes.Length];
        var words = new int[modes.Length];
        var bytes = new long[modes.Length];
        var encodeSeconds = new double[modes.Length];
        var audioSeconds = 0.0;
        foreach (var dialogue in DialogueScripts.For("en"))
        {
            var speech = await DialogueSpeech.SpeakAsync(dialogue);
            audioSeconds += speech.Duration.TotalSeconds;
            for (var m = 0; m < modes.Length; m++)
            {
                var pcm = speech.Samples;
                if (modes[m].Signal is { } signal)
                {
                    (pcm, var size, var seconds) = RoundTrip(pcm, signal, bitrate, complexity);
                    bytes[m] += size;
                    encodeSeconds[m] += seconds;
                }

                var transcript = await pocketSphinx.TranscribeAsync(new DialogueAudio(pcm), "en", CancellationToken.None);
                var (e, w) = WordErrorRate.Count(dialogue.Text, transcript.Text);
                errors[m] += e;
                words[m] += w;
            }
        }

        Console.WriteLine($"Opus mode vs PocketSphinx WER on {audioSeconds:F0} s of English espeak-ng dialogue, {bitrate / 1000} kbit/s VBR cap, complexity {complexity}:");
        for (var m = 0; m < modes.Length; m++)
        {
            var cost = modes[m].Signal is null ? "" : $"  {bytes[m] * 8 / audioSeconds / 1000,5:0.0} kbit/s actual, encode {audioSeconds / encodeSeconds[m],6:0}x real time";
            Console.WriteLine($"  {modes[m].Name,-18} WER {(double)errors[m] / words[m],6:P1} ({errors[m]}/{words[m]}){cost}");
        }

        return 0;
    }

    private static (short[] Pcm, long Bytes, double EncodeSeconds) RoundTrip(short[] pcm, OpusSignal signal, int bitrate, int complexity)
    {
        var encoder = OpusCodecFactory.CreateEncoder(SampleRate, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        encoder.Bitrate = bitrate;
        encoder.Complexity = complexity;
        encoder.SignalType = signal;
        encoder.UseVBR = true;
        var decoder = OpusCodecFactory.CreateDecoder(SampleRate, 1);
        var packet = new byte[4000];
        var frame = new short[Frame];
        var output = new short[(pcm.Length / Frame + 1) * Frame];
        long size = 0;
        var encodeTicks = 0L;
        for (var i = 0; i < output.Length; i += Frame)
        {
            Array.Clear(frame);
            pcm.AsSpan(Math.Min(i, pcm.Length), Math.Min(Frame, Math.Max(0, pcm.Length - i))).CopyTo(frame);
            var start = Stopwatch.GetTimestamp();
            var n = encoder.Encode(frame, Frame, packet, packet.Length);
            encodeTicks += Stopwatch.GetTimestamp() - start;
            size += n;
            decoder.Decode(packet.AsSpan(0, n), output.AsSpan(i, Frame), Frame);
        }

        encoder.Dispose();
        decoder.Dispose();
        return (output, size, (double)encodeTicks / Stopwatch.Frequency);
    }
}
