using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>A phrase found in the transcript: folded range and the verbatim original text.</summary>
internal sealed record PhraseHit(int Start, int End, string Quote, string Phrase)
{
    public int Length => End - Start;

    public bool Within(PhraseHit other) => Start >= other.Start && End <= other.End && Length < other.Length;
}

/// <summary>
/// Finds profile phrases in folded text on whole-word boundaries. A word ending in <c>*</c> matches any ending
/// (<c>гаранти*</c> finds гарантию, гарантией), which inflecting languages need.
/// </summary>
internal static class PhraseMatcher
{
    private static readonly ConcurrentDictionary<string, Regex?> Patterns = new(StringComparer.Ordinal);

    public static IEnumerable<PhraseHit> Find(FoldedText text, IEnumerable<string> phrases)
    {
        foreach (var phrase in phrases.Distinct(StringComparer.Ordinal))
        {
            if (Pattern(phrase) is not { } regex)
            {
                continue;
            }

            foreach (Match m in regex.Matches(text.Value))
            {
                yield return new PhraseHit(m.Index, m.Index + m.Length, text.Quote(m.Index, m.Index + m.Length), phrase);
            }
        }
    }

    /// <summary>Hits in text order, dropping any that lie inside a longer hit of <paramref name="others"/> ("not bad" hides "bad").</summary>
    public static List<PhraseHit> Outside(IEnumerable<PhraseHit> hits, IReadOnlyCollection<PhraseHit> others) =>
        hits.Where(h => !others.Any(h.Within)).OrderBy(h => h.Start).ToList();

    private static Regex? Pattern(string phrase) => Patterns.GetOrAdd(phrase, static p =>
    {
        var words = p.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.EndsWith('*') ? (Stem: FoldedText.FoldPhrase(w.TrimEnd('*')), Prefix: true) : (Stem: FoldedText.FoldPhrase(w), Prefix: false))
            .Where(w => w.Stem.Length > 0)
            .Select(w => Regex.Escape(w.Stem) + (w.Prefix ? @"\w*" : ""))
            .ToList();
        return words.Count == 0
            ? null
            : new Regex($@"(?<![\w]){string.Join(' ', words)}(?![\w])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    });
}

/// <summary>A compiled phrase list (profile syntax) to ask "does any occur in this folded text".</summary>
internal sealed class PhraseSet(IReadOnlyList<string> phrases)
{
    public IReadOnlyList<string> Phrases { get; } = phrases;

    /// <summary>Clause marks are ignored, so "no, thanks" is the phrase "no thanks".</summary>
    public bool Matches(string foldedSentence) =>
        PhraseMatcher.Find(FoldedText.Of(foldedSentence.Replace(SpokenTurn.ClauseMark, ' ')), Phrases).Any();
}
