using System.Text.Encodings.Web;
using System.Text.Json;

namespace Iot.Bench.Analysis.Corpus;

// Regenerates dialogues/{split}/{lang}.jsonl from frames/{split}/{lang}.json (+ the hand-written
// frames/{split}/{lang}.handwritten.jsonl, copied through after validation). Seeded per language and split, so the
// same frame files always give byte-identical corpus files. Any label that does not hold (an item that is not a
// verbatim substring of its turn, an offer in a customer turn, a reaction without an offer) stops the run.
public static class CorpusGenerator
{
    public static readonly string[] Languages = ["en", "ru", "tr", "az", "uz"];

    public static readonly string[] Splits = ["dev", "heldout"];

    // Splits with no frame file: hand-written dialogues only (frames/{split}/{lang}.handwritten.jsonl), validated and
    // copied through in file order. "blind" was written by someone who never read the analyzer's rules (README).
    public static readonly string[] HandwrittenOnlySplits = ["blind", "blind2", "blind3"];

    private static readonly JsonSerializerOptions ReadOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Text stays readable and greppable (Cyrillic, apostrophes in "I'm", "g'ilof"); the files are data, never HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static int Run(string[] args)
    {
        try
        {
            Generate(args.Length > 1 ? args[1] : FindCorpusDirectory());
            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException or JsonException or InvalidOperationException)
        {
            // A bad frame file or label is reported with its file, dialogue id and reason; nothing half-written is kept.
            Console.Error.WriteLine($"corpus: {e.Message}");
            return 1;
        }
    }

    private static void Generate(string root)
    {
        foreach (var lang in Languages)
        {
            CheckSplitsDisjoint(root, lang);
        }

        // Everything is generated and validated before the first file is written.
        var outputs = new List<(string Path, List<CorpusDialogue> Dialogues)>();
        foreach (var split in Splits)
        {
            foreach (var lang in Languages)
            {
                var framePath = Path.Combine(root, "frames", split, lang + ".json");
                if (!File.Exists(framePath))
                {
                    Console.WriteLine($"{split}/{lang}: no frame file, skipped");
                    continue;
                }

                var dialogues = Generate(framePath, Path.Combine(root, "frames", split, lang + ".handwritten.jsonl"), lang, split);
                outputs.Add((Path.Combine(root, "dialogues", split, lang + ".jsonl"), dialogues));
            }
        }

        foreach (var split in HandwrittenOnlySplits)
        {
            foreach (var lang in Languages)
            {
                var handwrittenPath = Path.Combine(root, "frames", split, lang + ".handwritten.jsonl");
                if (!File.Exists(handwrittenPath))
                {
                    Console.WriteLine($"{split}/{lang}: no hand-written file, skipped");
                    continue;
                }

                outputs.Add((Path.Combine(root, "dialogues", split, lang + ".jsonl"), ReadHandwrittenOnly(handwrittenPath, lang, split)));
            }
        }

        foreach (var (outPath, dialogues) in outputs)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
            File.WriteAllLines(outPath, dialogues.Select(d => JsonSerializer.Serialize(d, WriteOptions)));
            var upsell = dialogues.Count(d => d.Labels.Upsell);
            var handwritten = dialogues.Count(d => d.Source == "handwritten");
            Console.WriteLine($"{dialogues[0].Split}/{dialogues[0].Lang}: {dialogues.Count} dialogues ({upsell} with an offer, {handwritten} hand-written) -> {outPath}");
        }
    }

    // The split rule (corpus format): a frame family, reply phrasing, distractor template or any other phrasing of
    // dev is never used in heldout, so held-out figures measure what nobody tuned rules to.
    private static void CheckSplitsDisjoint(string root, string lang)
    {
        var paths = Splits.Select(s => Path.Combine(root, "frames", s, lang + ".json")).ToList();
        if (!paths.All(File.Exists))
        {
            return;
        }

        var (dev, heldout) = (Phrasings(Read(paths[0])), Phrasings(Read(paths[1])));
        var shared = dev.Intersect(heldout).ToList();
        if (shared.Count > 0)
        {
            throw new InvalidDataException($"{lang}: dev and heldout share {string.Join("; ", shared.Take(5))}");
        }
    }

    private static HashSet<string> Phrasings(FrameFile f) =>
    [
        .. f.Families.Select(x => "family " + x.Name),
        .. f.Families.SelectMany(x => x.Frames).Select(x => "frame " + x.Text),
        .. new[] { f.Replies.Accepted, f.Replies.Declined, f.Replies.Undecided }.SelectMany(r => r).Select(r => "reply " + r.Text),
        .. f.Distractors.Select(d => "distractor " + string.Join(" / ", d.Turns)),
        .. f.SellerFollowups.Select(x => "follow-up " + x),
        .. f.CustomerQuestions.Select(q => "question " + q.Q),
        .. f.SentimentLines.Select(x => "sentiment line " + x.Text),
        .. f.Openers.Select(x => "opener " + x),
        .. f.Closers.Select(c => "closer " + string.Join(" / ", c)),
    ];

    private static FrameFile Read(string framePath) =>
        JsonSerializer.Deserialize<FrameFile>(File.ReadAllText(framePath), ReadOptions) ?? throw new InvalidDataException($"{framePath}: empty");

    private static List<CorpusDialogue> Generate(string framePath, string handwrittenPath, string lang, string split)
    {
        var frames = Read(framePath);
        if (frames.Lang != lang || frames.Split != split)
        {
            throw new InvalidDataException($"{framePath}: says lang \"{frames.Lang}\" split \"{frames.Split}\"");
        }

        var handwritten = File.Exists(handwrittenPath) ? ReadHandwritten(handwrittenPath) : [];
        var rng = new Random(StableSeed(lang + "/" + split));
        var builder = new DialogueBuilder(frames, rng);
        var generatedCount = frames.Count - handwritten.Count;
        var upsellCount = (int)Math.Round(generatedCount * frames.UpsellShare);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var generated = new List<CorpusDialogue>();
        for (var attempts = 0; generated.Count < generatedCount; attempts++)
        {
            if (attempts > generatedCount * 50)
            {
                throw new InvalidDataException($"{framePath}: too few distinct dialogues; add frames, products or templates");
            }

            var dialogue = generated.Count < upsellCount ? builder.BuildUpsell() : builder.BuildDistractor();
            if (seen.Add(string.Join("\n", dialogue.Turns.Select(t => t.Text))))
            {
                generated.Add(dialogue);
            }
        }

        // uz: every other generated dialogue (offers and distractors alike) is written in Cyrillic.
        if (frames.Scripts.Contains("cyrl"))
        {
            for (var i = 1; i < generated.Count; i += 2)
            {
                ToCyrillic(generated[i]);
            }
        }

        var all = generated.Concat(handwritten.Select(d => { d.Source = "handwritten"; return d; })).OrderBy(_ => rng.Next()).ToList();
        var number = 0;
        foreach (var d in all.Where(d => d.Source == "generated"))
        {
            d.Id = $"{lang}-{split[0]}-{++number:D4}";
        }

        foreach (var d in all)
        {
            Validate(d, lang, split);
        }

        var duplicate = all.GroupBy(d => d.Id).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? all : throw new InvalidDataException($"{lang}/{split}: id {duplicate.Key} used twice");
    }

    private static List<CorpusDialogue> ReadHandwritten(string path) =>
        File.ReadLines(path).Where(l => l.Trim().Length > 0)
            .Select((l, i) => JsonSerializer.Deserialize<CorpusDialogue>(l, ReadOptions) ?? throw new InvalidDataException($"{path}:{i + 1}: empty"))
            .ToList();

    // A split made of hand-written dialogues only: every line must say it is hand-written and carry an id
    // {lang}-{split initial}-wNNN; the labels are validated as for the other splits, and the order of the file is kept.
    private static List<CorpusDialogue> ReadHandwrittenOnly(string path, string lang, string split)
    {
        var dialogues = ReadHandwritten(path);
        if (dialogues.Count == 0)
        {
            throw new InvalidDataException($"{path}: no dialogues");
        }

        // blind: en-b-w001; blind2 (the set that measures rules/4): en-b2-w001; blind3 (rules/6): en-b3-w001.
        var tag = split switch { "blind2" => "b2", "blind3" => "b3", _ => split[..1] };
        var idPattern = new System.Text.RegularExpressions.Regex($"^{lang}-{tag}-w[0-9]{{3}}$");
        foreach (var d in dialogues)
        {
            if (d.Source != "handwritten" || !idPattern.IsMatch(d.Id))
            {
                throw new InvalidDataException($"{lang}/{split} {d.Id}: a {split} dialogue needs source \"handwritten\" and an id {lang}-{tag}-wNNN");
            }

            Validate(d, lang, split);
        }

        var duplicate = dialogues.GroupBy(d => d.Id).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? dialogues : throw new InvalidDataException($"{lang}/{split}: id {duplicate.Key} used twice");
    }

    private static void ToCyrillic(CorpusDialogue d)
    {
        d.Script = "cyrl";
        foreach (var t in d.Turns)
        {
            t.Text = UzbekTransliterator.ToCyrillic(t.Text);
        }

        foreach (var o in d.Labels.Offers)
        {
            o.Item = UzbekTransliterator.ToCyrillic(o.Item);
        }
    }

    private static readonly string[] Categories = ["warranty", "accessories", "insurance", "service", "premium", "other"];

    private static void Validate(CorpusDialogue d, string lang, string split)
    {
        void Check(bool ok, string what)
        {
            if (!ok)
            {
                throw new InvalidDataException($"{lang}/{split} {d.Id} ({d.Source}): {what}");
            }
        }

        Check(d.Lang == lang && d.Split == split, "lang or split field does not match its file");
        Check(d.Id.Length > 0 && d.Family.Length > 0, "no id or family");
        Check(lang == "uz" ? d.Script is "latn" or "cyrl" : d.Script == (lang == "ru" ? "cyrl" : "latn"), $"script \"{d.Script}\"");
        Check(d.Turns.Count > 0 && d.Turns.All(t => t.Speaker is "seller" or "customer" && t.Text.Trim().Length > 0 && t.PauseBeforeMs >= 0), "empty turn or unknown speaker");
        var l = d.Labels;
        Check(l.Upsell == l.Offers.Count > 0, "upsell disagrees with offers");
        Check(l.Upsell ? l.Reaction is "accepted" or "declined" or "undecided" : l.Reaction == "none", $"reaction \"{l.Reaction}\" with upsell={l.Upsell}");
        Check(l.Sentiment is "positive" or "neutral" or "negative", $"sentiment \"{l.Sentiment}\"");
        foreach (var o in l.Offers)
        {
            Check(o.Turn >= 0 && o.Turn < d.Turns.Count && d.Turns[o.Turn].Speaker == "seller", $"offer turn {o.Turn} is not a seller turn");
            Check(o.Item.Length > 0 && d.Turns[o.Turn].Text.Contains(o.Item, StringComparison.Ordinal), $"item \"{o.Item}\" is not verbatim in turn {o.Turn}");
            Check(Categories.Contains(o.Category), $"category \"{o.Category}\"");
        }
    }

    // string.GetHashCode is randomised per process; FNV-1a keeps the seed (and so the corpus) stable.
    private static int StableSeed(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7fffffff);
    }

    private static string FindCorpusDirectory()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "Iot.Bench.Analysis", "Corpus");
            if (Directory.Exists(Path.Combine(candidate, "frames")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("bench/Iot.Bench.Analysis/Corpus/frames not found above the current directory; pass the corpus directory after \"corpus\"");
    }
}
