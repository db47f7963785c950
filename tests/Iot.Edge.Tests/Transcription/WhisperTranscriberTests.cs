using System.Diagnostics;
using Iot.Edge.Agent.Transcription;
using Iot.TestSupport;
using Iot.TestSupport.Whisper;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Iot.Edge.Tests.Transcription;

[Collection(WhisperCollection.Name)]
public class WhisperTranscriberTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_tiny_shaped_model_transcribes_speech_into_ordered_segments_that_start_inside_the_audio()
    {
        var options = new TranscriptionOptions { Enabled = true, ModelPath = await WhisperFixtureModel.PathAsync(), Threads = 1 };
        await using var transcriber = WhisperTranscriber.Load(options);
        var pcm = await SpeechChunk.PcmAsync(10);

        var watch = Stopwatch.StartNew();
        var heard = await transcriber.TranscribeAsync(pcm, 16000, CancellationToken.None);
        watch.Stop();

        output.WriteLine($"10 s of speech in {watch.ElapsedMilliseconds} ms on 1 thread: {watch.ElapsedMilliseconds / 10.0:F0} ms per second of audio (language auto, fixture weights)");
        Assert.Equal("en", heard.Language);
        Assert.NotEmpty(heard.Segments);
        var previousEnd = 0;
        foreach (var s in heard.Segments)
        {
            output.WriteLine($"{s.StartMs}-{s.EndMs}: {s.Text}");
            Assert.InRange(s.StartMs, previousEnd, 10_000 - 1);
            Assert.True(s.EndMs > s.StartMs, $"{s.StartMs}-{s.EndMs} is empty");
            Assert.False(string.IsNullOrWhiteSpace(s.Text));
            previousEnd = s.EndMs;
        }

        Assert.Equal(WhisperFixtureModel.ScriptWords(0).Trim(), heard.Segments[0].Text.Trim());
    }

    [Fact]
    public async Task A_configured_language_is_reported_without_detection()
    {
        var options = new TranscriptionOptions { Enabled = true, ModelPath = await WhisperFixtureModel.PathAsync(), Language = "de", Threads = 1 };
        await using var transcriber = WhisperTranscriber.Load(options);

        var heard = await transcriber.TranscribeAsync(await SpeechChunk.PcmAsync(2), 16000, CancellationToken.None);

        Assert.Equal("de", heard.Language);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(44100)]
    [InlineData(48000)]
    public async Task Only_16_kHz_audio_is_accepted(int sampleRate)
    {
        var options = new TranscriptionOptions { Enabled = true, ModelPath = await WhisperFixtureModel.PathAsync(), Threads = 1 };
        await using var transcriber = WhisperTranscriber.Load(options);

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => transcriber.TranscribeAsync(new short[sampleRate], sampleRate, CancellationToken.None));

        Assert.Contains("16000 Hz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void S16_samples_become_floats_in_minus_one_to_one()
    {
        var floats = WhisperTranscriber.ToFloat([short.MinValue, -16384, 0, 16384, short.MaxValue]);

        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 32767f / 32768f], floats);
    }

    public static TheoryData<string, Func<string, string, string>> BrokenModels => new()
    {
        { "missing", (_, dir) => Path.Combine(dir, "ggml-tiny.bin") },
        { "not a model", (_, dir) => Write(dir, "random.bin", [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))]) },
        { "empty", (_, dir) => Write(dir, "empty.bin", []) },
        { "cut in the middle of the weights", (model, dir) => Write(dir, "half.bin", File.ReadAllBytes(model)[..40_000_000]) },
        { "cut after the header", (model, dir) => Write(dir, "header.bin", File.ReadAllBytes(model)[..12]) },
        { "cut after the vocabulary", (model, dir) => Write(dir, "vocab.bin", File.ReadAllBytes(model)[..WhisperFixtureModel.FirstTensorOffset(File.ReadAllBytes(model))]) },
    };

    [Theory]
    [MemberData(nameof(BrokenModels))]
    public async Task A_missing_or_damaged_model_file_is_a_start_up_error_naming_the_model_path(string label, Func<string, string, string> make)
    {
        using var dir = new TempDirectory();
        var path = make(await WhisperFixtureModel.PathAsync(), dir.Path);

        var ex = Assert.Throws<OptionsValidationException>(() => WhisperTranscriber.Load(new TranscriptionOptions { Enabled = true, ModelPath = path }));

        var failure = Assert.Single(ex.Failures);
        output.WriteLine($"{label}: {failure}");
        Assert.StartsWith($"Transcription:ModelPath '{path}'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_language_whisper_does_not_know_is_a_start_up_error_naming_the_language()
    {
        var options = new TranscriptionOptions { Enabled = true, ModelPath = await WhisperFixtureModel.PathAsync(), Language = "qq" };

        var ex = Assert.Throws<OptionsValidationException>(() => WhisperTranscriber.Load(options));

        Assert.StartsWith("Transcription:Language 'qq'", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    private static string Write(string dir, string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
