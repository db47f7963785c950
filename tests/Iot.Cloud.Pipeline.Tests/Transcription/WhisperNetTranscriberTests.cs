using Iot.Cloud.Pipeline.Transcription;
using Iot.TestSupport;
using Iot.TestSupport.Dialogues;
using Iot.TestSupport.Whisper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Tests.Transcription;

/// <summary>
/// Real whisper.cpp (Whisper.net runtime) on the synthetic-weights fixture model: the structure, times and error
/// handling are real; the words are placeholders, so no assertion looks at them.
/// </summary>
public sealed class WhisperNetTranscriberTests
{
    [Fact]
    public async Task Speech_gives_ordered_timed_segments_starting_inside_the_audio_in_the_fixed_language()
    {
        var spoken = await DialogueSpeech.SpeakAsync(DialogueScripts.All.Single(d => d.Id == "en-warranty-accepted"));
        using var engine = Engine(await WhisperFixtureModel.PathAsync());

        var transcript = await engine.TranscribeAsync(new DialogueAudio(spoken.Samples), "en", CancellationToken.None);

        Assert.Equal("whisper", transcript.Engine);
        Assert.Equal("en", transcript.Language);
        Assert.NotEmpty(transcript.Utterances);
        var end = (int)spoken.Duration.TotalMilliseconds;
        Assert.All(transcript.Utterances, u =>
        {
            Assert.InRange(u.StartMs, 0, end);
            Assert.True(u.EndMs > u.StartMs, $"{u} ends before it starts");
            Assert.False(string.IsNullOrWhiteSpace(u.Text));
        });
        Assert.True(transcript.Utterances.Zip(transcript.Utterances.Skip(1)).All(p => p.First.StartMs <= p.Second.StartMs), "segments are not in order");
    }

    [Fact]
    public async Task Identification_answers_one_of_the_candidates_and_the_transcript_carries_a_confidence()
    {
        var spoken = await DialogueSpeech.SpeakAsync(DialogueScripts.All.Single(d => d.Id == "en-warranty-accepted"));
        using var engine = Engine(await WhisperFixtureModel.PathAsync());

        var picked = await ((ISpokenLanguageIdentifier)engine).IdentifyAsync(new DialogueAudio(spoken.Samples), ["ru", "tr"], CancellationToken.None);
        var transcript = await engine.TranscribeAsync(new DialogueAudio(spoken.Samples), picked, CancellationToken.None);

        // The fixture's weights say nothing about languages; what is real is that the answer is always a candidate.
        Assert.Contains(picked, new[] { "ru", "tr" });
        Assert.Equal(picked, transcript.Language);
        Assert.InRange(transcript.Confidence!.Value, 0.0, 1.0);
    }

    [Fact]
    public async Task Segments_carry_word_times_that_spell_the_segment_in_order()
    {
        var spoken = await DialogueSpeech.SpeakAsync(DialogueScripts.All.Single(d => d.Id == "en-no-farewell"));
        using var engine = Engine(await WhisperFixtureModel.PathAsync());

        var transcript = await engine.TranscribeAsync(new DialogueAudio(spoken.Samples), "en", CancellationToken.None);

        var segment = transcript.Utterances.First();
        var words = segment.Words ?? throw new Xunit.Sdk.XunitException($"no word times for '{segment.Text}'");
        Assert.Equal(segment.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries), words.Select(w => w.Text));
        Assert.All(words, w => Assert.True(w.StartMs <= w.EndMs, $"{w} ends before it starts"));
        Assert.True(words.Zip(words.Skip(1)).All(p => p.First.StartMs <= p.Second.StartMs), "words are not in order");
    }

    [Fact]
    public async Task Empty_audio_gives_an_empty_transcript()
    {
        using var engine = Engine(await WhisperFixtureModel.PathAsync());

        var transcript = await engine.TranscribeAsync(new DialogueAudio(Array.Empty<short>()), "ru", CancellationToken.None);

        Assert.Empty(transcript.Utterances);
        Assert.Equal("ru", transcript.Language);
    }

    [Fact]
    public async Task A_missing_model_makes_the_engine_unavailable_naming_the_path()
    {
        using var dir = new TempDirectory("iot-whisper");
        var path = dir.Sub("ggml-none.bin");

        var e = await UnavailableAsync(path);

        Assert.StartsWith($"Pipeline:Transcription:Whisper:ModelPath '{path}' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_model_makes_the_engine_unavailable_naming_the_path()
    {
        using var dir = new TempDirectory("iot-whisper");
        var path = dir.Sub("ggml-corrupt.bin");
        var junk = new byte[1 << 16];
        new Random(7).NextBytes(junk);
        await File.WriteAllBytesAsync(path, junk);

        var e = await UnavailableAsync(path);

        Assert.StartsWith($"Pipeline:Transcription:Whisper:ModelPath '{path}' is not a usable ggml Whisper model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_cut_short_makes_the_engine_unavailable()
    {
        using var dir = new TempDirectory("iot-whisper");
        var path = dir.Sub("ggml-truncated.bin");
        var whole = await File.ReadAllBytesAsync(await WhisperFixtureModel.PathAsync());
        await File.WriteAllBytesAsync(path, whole.AsMemory(0, whole.Length / 3));

        var e = await UnavailableAsync(path);

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Languages_whisper_knows_are_supported_and_others_are_not()
    {
        using var engine = Engine("/nonexistent.bin");

        Assert.True(engine.Supports("uz"));
        Assert.True(engine.Supports(null));
        Assert.False(engine.Supports("xx"));
    }

    private static async Task<TranscriberUnavailableException> UnavailableAsync(string modelPath)
    {
        using var engine = Engine(modelPath);
        return await Assert.ThrowsAsync<TranscriberUnavailableException>(() => engine.TranscribeAsync(new DialogueAudio(new short[16000]), "en", CancellationToken.None));
    }

    private static WhisperNetTranscriber Engine(string modelPath) =>
        new(Options.Create(new TranscriptionOptions { Engine = "whisper", Whisper = new WhisperEngineOptions { ModelPath = modelPath, Language = "auto", Threads = 2 } }),
            NullLogger<WhisperNetTranscriber>.Instance);
}
