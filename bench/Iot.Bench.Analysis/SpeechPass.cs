using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Transcription;
using Iot.Cloud.Pipeline.Transcription.Biasing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Bench.Analysis;

/// <summary>One recogniser configuration of the English speech pass, with its own tallies.</summary>
internal sealed class SpeechPass(string name, ITranscriber transcriber, RecognitionHints? hints)
{
    public string Name { get; } = name;

    public ITranscriber Transcriber { get; } = transcriber;

    public RecognitionHints? Hints { get; } = hints;

    public CorpusScore Score { get; } = new();

    public int Errors { get; set; }

    public int Words { get; set; }

    public double AudioSeconds { get; set; }

    public double WallSeconds { get; set; }
}

/// <summary>
/// PocketSphinx with the domain language model the pipeline builds (DomainLm): text of the dev and heldout English
/// dialogues plus the built-in profile's English phrases. Never the blind split's text, so blind stays a fair test of
/// the model on talk it has not seen.
/// </summary>
internal static class DomainLmPass
{
    public static async Task<SpeechPass> CreateAsync(string corpus, string split)
    {
        var text = Path.Combine(Path.GetTempPath(), $"iot-bench-domain-lm-{Environment.ProcessId}.txt");
        var lines = new List<string>();
        foreach (var trainingSplit in new[] { "dev", "heldout" })
        {
            var file = Path.Combine(corpus, "dialogues", trainingSplit, "en.jsonl");
            lines.AddRange(CorpusDialogue.Load(file).SelectMany(d => d.Turns.Select(t => t.Text)));
        }

        await File.WriteAllLinesAsync(text, lines);
        var options = new TranscriptionOptions { Engine = PocketSphinxTranscriber.EngineName };
        options.PocketSphinx.DomainLm.Enabled = true;
        options.PocketSphinx.DomainLm.CorpusFiles.Add(text);
        var transcriber = new PocketSphinxTranscriber(Options.Create(options), TimeProvider.System, NullLogger<PocketSphinxTranscriber>.Instance);
        var built = await transcriber.DomainLm!.GetAsync(BuiltInProfiles.Default, CancellationToken.None);
        Console.WriteLine($"domain LM for split {split}: {built.Lines} lines (dev+heldout English turns {lines.Count}, profile phrases {built.Lines - lines.Count}); " +
            $"{built.Words} words, {built.Bigrams} bigrams, {built.Trigrams} trigrams; general weight {options.PocketSphinx.DomainLm.GeneralWeight} over the stock model's top {options.PocketSphinx.DomainLm.GeneralWords} words; " +
            $"dropped (not in cmudict): {built.DroppedWordTypes} word types, {built.DroppedTokens} occurrences; {built.Path}");
        return new SpeechPass("via PocketSphinx+domain LM", transcriber, new RecognitionHints("bench", BuiltInProfiles.Default));
    }
}
