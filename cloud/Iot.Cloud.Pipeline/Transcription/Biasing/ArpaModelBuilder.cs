using System.Globalization;
using System.Text;

namespace Iot.Cloud.Pipeline.Transcription.Biasing;

/// <summary>
/// A trigram language model in ARPA text form, written here because the machine has no SRILM/KenLM/sphinx_lm_convert.
/// Interpolated absolute discounting (Ney's D = n1 / (n1 + 2 n2) per order) stored as a backoff model: every seen
/// n-gram carries its interpolated probability and every context the weight that makes its distribution sum to one
/// over the vocabulary. The unigram level may be mixed with a background distribution (the stock model's frequent
/// words), so words the domain text never used can still be recognised, only less readily.
/// </summary>
internal static class ArpaModelBuilder
{
    public const string SentenceStart = "<s>";
    public const string SentenceEnd = "</s>";

    /// <summary>Builds the model from word sequences (already lower-case and in the dictionary; a null word splits a sentence).</summary>
    /// <param name="background">Word → probability (sums to about one); null or empty for a domain-only model.</param>
    /// <param name="backgroundWeight">Share of the background in the unigram distribution, 0..1 (exclusive of 1).</param>
    public static ArpaModel Build(IEnumerable<IReadOnlyList<string?>> sentences, IReadOnlyDictionary<string, double>? background, double backgroundWeight)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        if (backgroundWeight is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(backgroundWeight), backgroundWeight, "must be in [0, 1)");
        }

        var c1 = new Dictionary<string, long>(StringComparer.Ordinal);
        var c2 = new Dictionary<(string, string), long>();
        var c3 = new Dictionary<(string, string, string), long>();
        foreach (var sentence in sentences)
        {
            foreach (var run in Runs(sentence))
            {
                for (var i = 0; i < run.Count; i++)
                {
                    if (run[i] != SentenceStart)
                    {
                        Add(c1, run[i]);
                    }

                    if (i >= 1)
                    {
                        Add(c2, (run[i - 1], run[i]));
                    }

                    if (i >= 2)
                    {
                        Add(c3, (run[i - 2], run[i - 1], run[i]));
                    }
                }
            }
        }

        var total = c1.Values.Sum();
        var bg = background is { Count: > 0 } && backgroundWeight > 0 ? background : null;
        var lambda = bg is null ? 0 : backgroundWeight;
        var p1 = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (w, c) in c1)
        {
            p1[w] = (1 - lambda) * c / Math.Max(1, total);
        }

        if (bg is not null)
        {
            var bgTotal = bg.Values.Sum();
            foreach (var (w, p) in bg)
            {
                if (w is SentenceStart or SentenceEnd)
                {
                    continue;
                }

                p1[w] = p1.GetValueOrDefault(w) + lambda * p / bgTotal;
            }
        }

        if (!p1.ContainsKey(SentenceEnd))
        {
            // No text at all: the model still has to end utterances.
            p1[SentenceEnd] = p1.Count == 0 ? 1 : p1.Values.Min();
        }

        Normalize(p1);
        var d2 = Discount(c2.Values);
        var d3 = Discount(c3.Values);

        // Bigrams: p2(w|u) = max(c(u,w) − D, 0) / c(u·) + D·N1+(u·) / c(u·) · p1(w).
        var p2 = new Dictionary<(string, string), double>();
        var bo1 = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var group in c2.GroupBy(kv => kv.Key.Item1, StringComparer.Ordinal))
        {
            var n = (double)group.Sum(kv => kv.Value);
            var mass = d2 * group.Count() / n;
            double seen = 0, seenLower = 0;
            foreach (var (key, c) in group)
            {
                var p = Math.Max(c - d2, 0) / n + mass * p1[key.Item2];
                p2[key] = p;
                seen += p;
                seenLower += p1[key.Item2];
            }

            bo1[group.Key] = BackoffWeight(seen, seenLower);
        }

        double P2(string v, string w) => p2.TryGetValue((v, w), out var p) ? p : bo1.GetValueOrDefault(v, 1) * p1[w];

        var p3 = new Dictionary<(string, string, string), double>();
        var bo2 = new Dictionary<(string, string), double>();
        foreach (var group in c3.GroupBy(kv => (kv.Key.Item1, kv.Key.Item2)))
        {
            var n = (double)group.Sum(kv => kv.Value);
            var mass = d3 * group.Count() / n;
            double seen = 0, seenLower = 0;
            foreach (var (key, c) in group)
            {
                var lower = P2(key.Item2, key.Item3);
                var p = Math.Max(c - d3, 0) / n + mass * lower;
                p3[key] = p;
                seen += p;
                seenLower += lower;
            }

            bo2[group.Key] = BackoffWeight(seen, seenLower);
        }

        return new ArpaModel(p1, p2, bo1, p3, bo2);
    }

    /// <summary>Splits a sentence into runs of known words, adding &lt;s&gt; before the first and &lt;/s&gt; after the last.</summary>
    private static IEnumerable<List<string>> Runs(IReadOnlyList<string?> sentence)
    {
        var run = new List<string> { SentenceStart };
        foreach (var w in sentence)
        {
            if (w is null)
            {
                // A word the dictionary lacks: no n-gram may span it, and the pieces around it are no sentence ends.
                if (run.Count > 0 && !(run.Count == 1 && run[0] == SentenceStart))
                {
                    yield return run;
                }

                run = [];
                continue;
            }

            run.Add(w);
        }

        run.Add(SentenceEnd);
        if (run.Count >= 2 || run[0] != SentenceEnd)
        {
            yield return run;
        }
    }

    private static double BackoffWeight(double seen, double seenLower)
    {
        var left = 1 - seen;
        var leftLower = 1 - seenLower;
        // Every word already seen after this context (tiny corpora): nothing is left to back off to.
        return leftLower <= 1e-12 || left <= 1e-12 ? 1e-12 : left / leftLower;
    }

    private static double Discount(IEnumerable<long> counts)
    {
        long n1 = 0, n2 = 0;
        foreach (var c in counts)
        {
            n1 += c == 1 ? 1 : 0;
            n2 += c == 2 ? 1 : 0;
        }

        return n1 + n2 == 0 ? 0.5 : Math.Clamp(n1 / (double)(n1 + 2 * n2), 0.1, 0.9);
    }

    private static void Normalize(Dictionary<string, double> p)
    {
        var sum = p.Values.Sum();
        foreach (var k in p.Keys.ToList())
        {
            p[k] /= sum;
        }
    }

    private static void Add<T>(Dictionary<T, long> counts, T key)
        where T : notnull => counts[key] = counts.GetValueOrDefault(key) + 1;
}

/// <summary>A built backoff trigram model: probabilities and backoff weights (natural numbers, not logs).</summary>
internal sealed class ArpaModel(
    IReadOnlyDictionary<string, double> unigrams,
    IReadOnlyDictionary<(string, string), double> bigrams,
    IReadOnlyDictionary<string, double> unigramBackoff,
    IReadOnlyDictionary<(string, string, string), double> trigrams,
    IReadOnlyDictionary<(string, string), double> bigramBackoff)
{
    public IReadOnlyDictionary<string, double> Unigrams => unigrams;

    public int BigramCount => bigrams.Count;

    public int TrigramCount => trigrams.Count;

    /// <summary>The vocabulary a decoder may output (every unigram, with &lt;/s&gt;).</summary>
    public IEnumerable<string> Vocabulary => unigrams.Keys;

    /// <summary>P(w | u v) by backoff, as a decoder computes it (u may be null for a bigram query).</summary>
    public double Probability(string? u, string v, string w)
    {
        if (u is not null && trigrams.TryGetValue((u, v, w), out var p3))
        {
            return p3;
        }

        var bo2 = u is null ? 1 : bigramBackoff.GetValueOrDefault((u, v), 1);
        if (bigrams.TryGetValue((v, w), out var p2))
        {
            return bo2 * p2;
        }

        return bo2 * unigramBackoff.GetValueOrDefault(v, 1) * unigrams.GetValueOrDefault(w);
    }

    /// <summary>The model as ARPA text (log10 values; &lt;s&gt; gets −99, as it is never predicted).</summary>
    public void WriteArpa(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var words = unigrams.Keys.Where(w => w != ArpaModelBuilder.SentenceStart).Order(StringComparer.Ordinal).ToList();
        writer.Write("\\data\\\n");
        writer.Write(Invariant($"ngram 1={words.Count + 1}\n"));
        writer.Write(Invariant($"ngram 2={bigrams.Count}\n"));
        writer.Write(Invariant($"ngram 3={trigrams.Count}\n\n\\1-grams:\n"));
        writer.Write(Invariant($"-99.0000 {ArpaModelBuilder.SentenceStart} {Log(unigramBackoff.GetValueOrDefault(ArpaModelBuilder.SentenceStart, 1))}\n"));
        foreach (var w in words)
        {
            var line = unigramBackoff.TryGetValue(w, out var bo) ? $"{Log(unigrams[w])} {w} {Log(bo)}\n" : $"{Log(unigrams[w])} {w}\n";
            writer.Write(line);
        }

        writer.Write("\n\\2-grams:\n");
        foreach (var ((u, w), p) in bigrams.OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal))
        {
            writer.Write(bigramBackoff.TryGetValue((u, w), out var bo) ? $"{Log(p)} {u} {w} {Log(bo)}\n" : $"{Log(p)} {u} {w}\n");
        }

        writer.Write("\n\\3-grams:\n");
        foreach (var ((u, v, w), p) in trigrams.OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item3, StringComparer.Ordinal))
        {
            writer.Write($"{Log(p)} {u} {v} {w}\n");
        }

        writer.Write("\n\\end\\\n");
    }

    public string ToArpa()
    {
        var sb = new StringBuilder();
        using var w = new StringWriter(sb, CultureInfo.InvariantCulture);
        WriteArpa(w);
        return sb.ToString();
    }

    private static string Log(double p) => Math.Log10(Math.Max(p, 1e-99)).ToString("F6", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
