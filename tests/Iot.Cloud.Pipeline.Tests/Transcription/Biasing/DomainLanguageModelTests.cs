using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Transcription;
using Iot.Cloud.Pipeline.Transcription.Biasing;
using Iot.TestSupport;
using Iot.TestSupport.Dialogues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Tests.Transcription.Biasing;

/// <summary>The domain language model with the real Debian pocketsphinx and its en-us model files.</summary>
public sealed class DomainLanguageModelTests : IDisposable
{
    private const string StockModel = "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin";

    private readonly TempDirectory _dir = new("iot-domain-lm");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Pocketsphinx_accepts_the_built_model_and_hears_the_domain_words_of_espeak_speech()
    {
        var script = DialogueScripts.All.Single(d => d.Id == "en-warranty-accepted");
        var spoken = await DialogueSpeech.SpeakAsync(script);
        var engine = Engine(script.Lines.Select(l => l.Text), generalWords: 0);
        var built = await engine.DomainLm!.GetAsync(null, CancellationToken.None);

        var transcript = await engine.TranscribeAsync(new DialogueAudio(spoken.Samples), "en", null, CancellationToken.None);

        var words = transcript.Utterances.SelectMany(u => u.Words ?? []).Select(w => w.Text).ToList();
        string[] content = ["welcome", "store", "phone", "extended", "warranty", "years", "please", "sounds"];
        var heard = content.Where(words.Contains).ToList();
        Assert.True(heard.Count >= 5, $"heard only [{string.Join(", ", heard)}]; transcript: {transcript.Text}");
        // A closed domain vocabulary: the decoder can only say words of the text the model was built from.
        var vocabulary = File.ReadLines(built.Path).SkipWhile(l => l != "\\1-grams:").Skip(1).TakeWhile(l => l.Length > 0).Select(l => l.Split(' ')[1]).ToHashSet(StringComparer.Ordinal);
        Assert.All(words, w => Assert.Contains(w, vocabulary));
    }

    [Fact]
    public async Task Words_the_dictionary_cannot_pronounce_are_dropped_and_counted()
    {
        var engine = Engine(["would you like a zorblatt case", "a zorblatt and a qwxv charger please"], generalWords: 0);

        var built = await engine.DomainLm!.GetAsync(null, CancellationToken.None);

        Assert.Equal((2, 3), (built.DroppedWordTypes, built.DroppedTokens));
        var arpa = await File.ReadAllTextAsync(built.Path);
        Assert.DoesNotContain("zorblatt", arpa, StringComparison.Ordinal);
        Assert.Contains(" case", arpa, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tenants_profile_phrases_enter_the_model_and_general_english_backs_it_up()
    {
        var profile = new AnalysisProfile(
            new Dictionary<string, LanguagePhrases>
            {
                ["en"] = new(["hello"], new Dictionary<string, IReadOnlyList<string>> { ["accessories"] = ["tripod*", "lens hood"] }, ["yes"], ["no"], ["great"], ["bad"],
                    OfferFrames: ["would|do you ?also like {item}"]),
            },
            []);
        var engine = Engine(["thank you"], generalWords: 5000);

        var built = await engine.DomainLm!.GetAsync(profile, CancellationToken.None);

        var arpa = await File.ReadAllTextAsync(built.Path);
        Assert.Contains(" would you like", arpa, StringComparison.Ordinal);
        Assert.Contains(" lens hood", arpa, StringComparison.Ordinal);
        Assert.Matches(@"\n-\d+\.\d+ tripod( |\n)", arpa);
        Assert.InRange(built.Words, 4000, 5100);
        Assert.Same(built, await engine.DomainLm!.GetAsync(profile, CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_corpus_file_makes_the_engine_unavailable_naming_the_key()
    {
        var options = new TranscriptionOptions { Engine = PocketSphinxTranscriber.EngineName };
        options.PocketSphinx.DomainLm.Enabled = true;
        options.PocketSphinx.DomainLm.CorpusFiles.Add(_dir.Sub("missing.txt"));
        var engine = new PocketSphinxTranscriber(Options.Create(options), TimeProvider.System, NullLogger<PocketSphinxTranscriber>.Instance);

        var e = await Assert.ThrowsAsync<TranscriberUnavailableException>(() => engine.TranscribeAsync(new DialogueAudio(new short[16000]), "en", null, CancellationToken.None));

        Assert.Contains("Pipeline:Transcription:PocketSphinx:DomainLm:CorpusFiles", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stock_models_unigrams_read_as_a_distribution_led_by_function_words()
    {
        var all = StockUnigrams.Read(StockModel, int.MaxValue);
        var top = StockUnigrams.Read(StockModel, 10);

        Assert.InRange(all.Values.Sum(), 0.9, 1.0);
        Assert.True(all.Count > 50_000);
        Assert.Contains("the", top.Keys);
        Assert.DoesNotContain("</s>", top.Keys);
        Assert.True(all["warranty"] > 0 && all["warranty"] < all["the"]);
    }

    [Fact]
    public void A_file_of_another_layout_is_refused_rather_than_misread()
    {
        var path = _dir.Sub("fake.lm.bin");
        File.WriteAllBytes(path, [.. "Trie Language Model"u8, 3, .. new byte[200]]);

        Assert.Throws<InvalidDataException>(() => StockUnigrams.Read(path, 10));
    }

    private PocketSphinxTranscriber Engine(IEnumerable<string> lines, int generalWords)
    {
        var corpus = _dir.Sub($"corpus-{Guid.NewGuid():n}.txt");
        File.WriteAllLines(corpus, lines);
        var options = new TranscriptionOptions { Engine = PocketSphinxTranscriber.EngineName };
        options.PocketSphinx.DomainLm.Enabled = true;
        options.PocketSphinx.DomainLm.CorpusFiles.Add(corpus);
        options.PocketSphinx.DomainLm.GeneralWords = generalWords;
        options.PocketSphinx.DomainLm.CacheDirectory = _dir.Sub("lm");
        return new PocketSphinxTranscriber(Options.Create(options), TimeProvider.System, NullLogger<PocketSphinxTranscriber>.Instance);
    }
}
