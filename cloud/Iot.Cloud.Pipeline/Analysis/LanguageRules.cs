using System.Runtime.CompilerServices;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// A profile language made ready for matching: the tenant's phrases, each missing (older profile shape) member
/// taken from the built-in language, frames compiled, grammar attached. Compiled once per profile language object.
/// </summary>
internal sealed class LanguageRules
{
    private static readonly ConditionalWeakTable<LanguagePhrases, StrongBox<LanguageRules>> Cache = [];
    private readonly HashSet<string> _stops;
    private readonly HashSet<string> _fillers;
    private readonly HashSet<string> _nonItems;
    private readonly HashSet<string> _determiners;

    private LanguageRules(string language, LanguagePhrases phrases)
    {
        var builtIn = BuiltInProfiles.Default.Languages.GetValueOrDefault(language);
        Language = language;
        Phrases = phrases;
        Grammar = BuiltInProfiles.Grammar(language);
        Frames = [.. (phrases.OfferFrames ?? builtIn?.OfferFrames ?? []).Select(f => OfferFrame.TryParse(f, out var frame, out _) ? frame : null).OfType<OfferFrame>()];
        CustomerCues = new PhraseSet(phrases.CustomerCues ?? builtIn?.CustomerCues ?? []);
        Hedges = phrases.Hedges ?? builtIn?.Hedges ?? [];
        Neutral = phrases.Neutral ?? builtIn?.Neutral ?? [];
        Purchase = phrases.Purchase ?? builtIn?.Purchase ?? [];
        SellerService = new PhraseSet(Grammar.SellerService);
        _stops = Fold(Grammar.ItemStops);
        _fillers = Fold(Grammar.ItemFillers);
        _nonItems = Fold(Grammar.NonItems);
        _determiners = Fold(Grammar.Determiners);
        PreNegators = Fold(Grammar.PreNegators);
        PostNegators = Fold(Grammar.PostNegators);
        Contrast = Fold(Grammar.Contrast);
        Attachments = [.. (Grammar.Attachments ?? []).Select(a => FoldedText.FoldPhrase(a).Split(' ')).Where(a => a.Length > 0 && a[0].Length > 0)];
        ImperativeEndings = Fold(Grammar.ImperativeEndings ?? []);
        NegativeImperativeEndings = Fold(Grammar.NegativeImperativeEndings ?? []);
        NotImperatives = Fold(Grammar.NotImperatives ?? []);
        Conditionals = Fold(Grammar.Conditionals ?? []);
        ConditionalEndings = Fold(Grammar.ConditionalEndings ?? []);
        AnswerParticles = Fold(Grammar.AnswerParticles ?? []);
        Acknowledgements = Fold(Grammar.Acknowledgements ?? []);
        Restrictors = Fold(Grammar.Restrictors ?? []);
        Interjections = Fold(Grammar.Interjections ?? []);
        Thanks = Fold(Grammar.Thanks ?? []);
        QuestionWords = Fold(Grammar.QuestionWords ?? []);
        ChoiceMarkers = Fold(Grammar.ChoiceMarkers ?? []);
    }

    public string Language { get; }

    public LanguagePhrases Phrases { get; }

    public LanguageGrammar Grammar { get; }

    public IReadOnlyList<OfferFrame> Frames { get; }

    public PhraseSet CustomerCues { get; }

    public PhraseSet SellerService { get; }

    public IReadOnlyList<string> Hedges { get; }

    public IReadOnlyList<string> Neutral { get; }

    /// <summary>Purchase cues: the tenant's, else the built-in language's (a profile stored before rules/5 has none).</summary>
    public IReadOnlyList<string> Purchase { get; }

    public HashSet<string> PreNegators { get; }

    public HashSet<string> PostNegators { get; }

    public HashSet<string> Contrast { get; }

    /// <summary>Folded word sequences of "for it" / "к нему" attachments.</summary>
    public IReadOnlyList<string[]> Attachments { get; }

    public HashSet<string> ImperativeEndings { get; }

    public HashSet<string> NegativeImperativeEndings { get; }

    public HashSet<string> NotImperatives { get; }

    public HashSet<string> Conditionals { get; }

    public HashSet<string> ConditionalEndings { get; }

    public HashSet<string> AnswerParticles { get; }

    public HashSet<string> Acknowledgements { get; }

    /// <summary>Folded "only"/"for now" words (may be several words: "bir tek").</summary>
    public HashSet<string> Restrictors { get; }

    public HashSet<string> Interjections { get; }

    public HashSet<string> Thanks { get; }

    public HashSet<string> QuestionWords { get; }

    public HashSet<string> ChoiceMarkers { get; }

    public bool IsDeterminer(string foldedWord) => _determiners.Contains(foldedWord);

    public bool IsFiller(string foldedWord) => _fillers.Contains(foldedWord) || _stops.Contains(foldedWord);

    public static LanguageRules For(string language, LanguagePhrases phrases) =>
        Cache.GetValue(phrases, p => new StrongBox<LanguageRules>(new LanguageRules(language, p))).Value!;

    /// <summary>The product phrase inside folded range [from, to) of a sentence, or null when the slot holds no product.</summary>
    public (int From, int To)? TrimItem(string value, int from, int to, OfferFrame.SlotPlace slot)
    {
        var words = Words(value, from, to);
        // An edge slot runs to the clause boundary on its open side; a product phrase is short and stops at a preposition.
        if (slot == OfferFrame.SlotPlace.Before)
        {
            var mark = words.FindLastIndex(w => w.Text == "\u0001");
            words = words[(mark + 1)..];
            // "Чехол к нему будете брать?": the attachment says what the item goes with; it is not the item, and its
            // preposition must not cut the item away as a stop word would.
            words = StripAttachment(words, atEnd: true);
            var stop = words.FindLastIndex(w => _stops.Contains(w.Text));
            words = words[(stop + 1)..];
            // Before an SOV verb the clause may open with "давайте", "evet", "peki": not part of the product.
            while (words.Count > 1 && (_nonItems.Contains(words[0].Text) || _fillers.Contains(words[0].Text)))
            {
                words.RemoveAt(0);
            }
            if (words.Count > OfferFrame.ItemWordLimit - 2)
            {
                words = words[^(OfferFrame.ItemWordLimit - 2)..];
            }
        }
        else
        {
            while (words.Count > 0 && words[0].Text == "\u0001")
            {
                words.RemoveAt(0);
            }

            words = StripAttachment(words, atEnd: false);

            var cut = words.FindIndex(w => w.Text == "\u0001" || _stops.Contains(w.Text));
            if (cut >= 0)
            {
                words = words[..cut];
            }

            if (words.Count > OfferFrame.ItemWordLimit)
            {
                words = words[..OfferFrame.ItemWordLimit];
            }
        }

        while (words.Count > 0 && _fillers.Contains(words[0].Text))
        {
            words.RemoveAt(0);
        }

        while (words.Count > 0 && _fillers.Contains(words[^1].Text))
        {
            words.RemoveAt(words.Count - 1);
        }

        // "this case" is a product, "this" alone is not; "to pay by card" and "anything else" are not either.
        var head = words.FirstOrDefault(w => !_determiners.Contains(w.Text));
        if (words.Count == 0 || head.Text is null || _nonItems.Contains(head.Text))
        {
            return null;
        }

        return (words[0].Start, words[^1].End);
    }

    /// <summary>Tenant category of an offered item (folded): the category whose product words it contains, else <c>other</c>.</summary>
    public string Categorize(string foldedItem)
    {
        var text = FoldedText.Of(foldedItem);
        var best = Phrases.UpsellOffers
            .SelectMany(kv => PhraseMatcher.Find(text, kv.Value).Select(h => (kv.Key, h.Length)))
            .OrderByDescending(x => x.Length)
            .FirstOrDefault();
        return best.Key ?? BuiltInProfiles.Other;
    }

    private List<(string Text, int Start, int End)> StripAttachment(List<(string Text, int Start, int End)> words, bool atEnd)
    {
        foreach (var a in Attachments)
        {
            if (words.Count <= a.Length)
            {
                continue;
            }

            var at = atEnd ? words.Count - a.Length : 0;
            if (a.Select((w, i) => words[at + i].Text == w).All(x => x))
            {
                return atEnd ? words[..at] : words[a.Length..];
            }
        }

        return words;
    }

    internal static List<(string Text, int Start, int End)> Words(string value, int from, int to)
    {
        var words = new List<(string, int, int)>();
        var i = Math.Max(0, from);
        to = Math.Min(to, value.Length);
        while (i < to)
        {
            while (i < to && value[i] == ' ')
            {
                i++;
            }

            var start = i;
            while (i < to && value[i] != ' ')
            {
                i++;
            }

            if (i > start)
            {
                words.Add((value[start..i], start, i));
            }
        }

        return words;
    }

    private static HashSet<string> Fold(IEnumerable<string> words) =>
        words.Select(FoldedText.FoldPhrase).Where(w => w.Length > 0).ToHashSet(StringComparer.Ordinal);
}
