using System.Diagnostics;
using Iot.Bench.Analysis;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Transcription;
using Iot.TestSupport.Dialogues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Dialogue analysis on the labelled espeak-ng set (tests/Iot.TestSupport/Dialogues): English goes through real
// PocketSphinx; Russian and Turkish are spoken by espeak-ng too, but PocketSphinx has no model for them, so their
// "transcript" is the known script text. Prints rule-analyzer label accuracy per language, PocketSphinx WER and
// real-time factor. Usage: dotnet run -c Release --project bench/Iot.Bench.Analysis [-- --verbose]
// With `-- codec`: PocketSphinx WER on raw PCM vs after an Opus voice (SILK) or music (CELT) round trip.
if (args.FirstOrDefault() == "corpus")
{
    // Regenerates the labelled corpus from its frame files (bench/Iot.Bench.Analysis/Corpus/README.md).
    return Iot.Bench.Analysis.Corpus.CorpusGenerator.Run(args);
}

var verbose = args.Contains("--verbose");
const double UpsellTarget = 0.9;

Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
var analyzer = new RuleAnalyzer();
var pocketSphinx = new PocketSphinxTranscriber(
    Options.Create(new TranscriptionOptions { Engine = PocketSphinxTranscriber.EngineName }), TimeProvider.System, NullLogger<PocketSphinxTranscriber>.Instance);

if (args.Contains("codec"))
{
    return await CodecWer.RunAsync(pocketSphinx, bitrate: 24000, complexity: 10);
}

var rows = new List<(string Set, LabelScore Score)>();
int werErrors = 0, werWords = 0;
double audioSeconds = 0, wallSeconds = 0, cpuSeconds = 0;
foreach (var language in new[] { "en", "ru", "tr" })
{
    var script = new LabelScore();
    var spoken = new LabelScore();
    foreach (var dialogue in DialogueScripts.For(language))
    {
        // Every dialogue is spoken, so the set is the same audio an end-to-end run would send.
        var speech = await DialogueSpeech.SpeakAsync(dialogue);
        script.Add(dialogue, await analyzer.AnalyzeAsync(new AnalysisInput("bench", KnownTranscript(dialogue), BuiltInProfiles.Default), CancellationToken.None));
        if (language != "en")
        {
            continue;
        }

        var cpuBefore = ChildCpu();
        var watch = Stopwatch.StartNew();
        var transcript = await pocketSphinx.TranscribeAsync(new DialogueAudio(speech.Samples), "en", CancellationToken.None);
        wallSeconds += watch.Elapsed.TotalSeconds;
        cpuSeconds += ChildCpu() - cpuBefore;
        audioSeconds += speech.Duration.TotalSeconds;
        var (errors, words) = WordErrorRate.Count(dialogue.Text, transcript.Text);
        werErrors += errors;
        werWords += words;
        if (verbose)
        {
            Console.WriteLine($"  {dialogue.Id}: WER {(double)errors / words:P0} | {transcript.Text}");
        }

        spoken.Add(dialogue, await analyzer.AnalyzeAsync(new AnalysisInput("bench", transcript, BuiltInProfiles.Default), CancellationToken.None));
    }

    rows.Add(($"{language} script text", script));
    if (spoken.Dialogues > 0)
    {
        rows.Add(($"{language} via PocketSphinx", spoken));
    }
}

Console.WriteLine();
Console.WriteLine($"{"set",-22} {"n",3} {"upsell",7} {"reaction",9} {"checklist",10} {"sentiment",10}");
foreach (var (set, s) in rows)
{
    Console.WriteLine($"{set,-22} {s.Dialogues,3} {s.Rate(s.Upsell),7:P0} {s.Rate(s.Reaction),9:P0} {s.Rate(s.Checklist),10:P0} {s.Rate(s.Sentiment),10:P0}");
}

Console.WriteLine();
Console.WriteLine("ru and tr: espeak-ng speaks them, but the analyzer reads the known script (PocketSphinx is English only).");
Console.WriteLine($"PocketSphinx on {audioSeconds:F0} s of English espeak-ng speech: WER {(double)werErrors / werWords:P1} ({werErrors}/{werWords} words), " +
    $"RTF {wallSeconds / audioSeconds:F3} wall, {cpuSeconds / audioSeconds:F3} CPU");

var misses = rows.SelectMany(r => r.Score.Misses.Select(m => $"{r.Set}: {m}")).ToList();
if (misses.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("Dialogues with at least one wrong label:");
    misses.ForEach(m => Console.WriteLine("  " + m));
}

var failing = rows.Where(r => r.Set.EndsWith("script text", StringComparison.Ordinal) && r.Score.Rate(r.Score.Upsell) < UpsellTarget).ToList();
Console.WriteLine();
Console.WriteLine(failing.Count == 0
    ? $"target met: upsell accuracy on script text >= {UpsellTarget:P0} in every language"
    : $"target MISSED: upsell accuracy on script text < {UpsellTarget:P0} in {string.Join(", ", failing.Select(f => f.Set))}");
return failing.Count == 0 ? 0 : 1;

static Transcript KnownTranscript(DialogueScript d) =>
    new("script", d.Language, [.. d.Lines.Select((l, i) => new Utterance(i * 3000, i * 3000 + 2500, l.Text))]);

// pocketsphinx runs as a child process: its CPU time shows in our children's rusage once it has been reaped.
static double ChildCpu()
{
    var fields = File.ReadAllText("/proc/self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    // After the ")": state is field 0, so cutime and cstime (fields 16 and 17 of stat) are at 13 and 14.
    return (long.Parse(fields[13], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[14], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
}
