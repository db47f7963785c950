using Iot.Edge.Agent.DesiredConfig;
using Iot.Edge.Agent.Transcription;
using Iot.Protocol.Messages;
using Iot.TestSupport.Whisper;

namespace Iot.Edge.Tests.DesiredConfig;

/// <summary>Issue 16 item 9: the staff's spoken languages reach the agent's own Whisper through the desired config.</summary>
[Collection(Transcription.WhisperCollection.Name)]
public class SpokenLanguagesConfigTests
{
    private static DeviceConfigDocument Doc(params string[] languages) =>
        new() { Version = 1, IssuedAtUtc = DateTimeOffset.UnixEpoch, SpokenLanguages = languages };

    [Fact]
    public void One_spoken_language_fixes_the_whisper_language()
    {
        var keys = DesiredConfigLayer.Keys(Doc("ru"));

        Assert.Equal("ru", keys["Transcription:Language"]);
        Assert.Equal("ru", keys["Transcription:CandidateLanguages:0"]);
    }

    [Fact]
    public void Several_spoken_languages_make_whisper_detect_among_them_only()
    {
        var keys = DesiredConfigLayer.Keys(Doc("ru", "tr"));

        Assert.Equal("auto", keys["Transcription:Language"]);
        Assert.Equal(("ru", "tr"), (keys["Transcription:CandidateLanguages:0"], keys["Transcription:CandidateLanguages:1"]));
        Assert.Contains("Transcription:Language", DesiredConfigLayer.RestartKeys(Doc("ru"), Doc("ru", "tr")));
    }

    [Fact]
    public void An_unknown_or_hostile_language_code_is_refused_naming_the_entry()
    {
        var errors = new List<string>();

        DesiredConfigRules.Check(Doc("ru", "<script>"), errors);
        DesiredConfigRules.Check(Doc([.. Enumerable.Repeat("en", 9).Select((c, i) => i == 0 ? c : SpokenLanguageCodes.Known.ElementAt(i))]), errors);

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("spokenLanguages[1] '<script>' is not a language code", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("spokenLanguages has 9 languages; at most 8", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Whisper_with_one_candidate_transcribes_in_it_and_with_several_answers_one_of_them()
    {
        var model = await WhisperFixtureModel.PathAsync();
        var pcm = await Transcription.SpeechChunk.PcmAsync(2);

        await using (var one = WhisperTranscriber.Load(new TranscriptionOptions { Enabled = true, ModelPath = model, CandidateLanguages = ["de"], Threads = 1 }))
        {
            Assert.Equal("de", (await one.TranscribeAsync(pcm, 16000, CancellationToken.None)).Language);
        }

        await using var several = WhisperTranscriber.Load(new TranscriptionOptions { Enabled = true, ModelPath = model, CandidateLanguages = ["tr", "de"], Threads = 1 });
        Assert.Contains((await several.TranscribeAsync(pcm, 16000, CancellationToken.None)).Language, new[] { "tr", "de" });
    }
}
