using System.Globalization;
using Iot.Cloud.Pipeline.Transcription.Biasing;

namespace Iot.Cloud.Pipeline.Tests.Transcription.Biasing;

public sealed class ArpaModelBuilderTests
{
    private static readonly string[] Corpus = ["would you like a case", "would you like a charger", "no thanks", "yes please a case", "would you like a case too"];

    private static readonly Dictionary<string, double> Background = new(StringComparer.Ordinal) { ["hello"] = 0.5, ["case"] = 0.3, ["the"] = 0.2 };

    [Fact]
    public void Every_context_distribution_sums_to_one_over_the_vocabulary()
    {
        var model = Build(Background, 0.2);
        var vocabulary = model.Vocabulary.ToList();

        Assert.Equal(1, vocabulary.Sum(w => model.Unigrams[w]), 9);
        string[] contexts = ["<s>", .. vocabulary.Where(w => w != "</s>")];
        foreach (var v in contexts)
        {
            Assert.Equal(1, vocabulary.Sum(w => model.Probability(null, v, w)), 9);
        }

        foreach (var (u, v) in new[] { ("<s>", "would"), ("would", "you"), ("you", "like"), ("like", "a"), ("a", "case"), ("<s>", "no"), ("yes", "please") })
        {
            Assert.Equal(1, vocabulary.Sum(w => model.Probability(u, v, w)), 9);
        }
    }

    [Fact]
    public void Seen_continuations_outweigh_backed_off_ones_and_background_words_keep_some_mass()
    {
        var model = Build(Background, 0.2);

        Assert.True(model.Probability("would", "you", "like") > 0.5);
        var hello = model.Probability("would", "you", "hello");
        Assert.InRange(hello, 1e-6, 0.05);
        Assert.True(model.Probability("like", "a", "case") > model.Probability("like", "a", "charger"));
        Assert.Equal(0, Build(null, 0).Unigrams.GetValueOrDefault("hello"));
    }

    [Fact]
    public void A_word_missing_from_the_dictionary_breaks_the_sentence_instead_of_joining_its_neighbours()
    {
        IReadOnlyList<string?>[] sentences = [["would", "you", null, "like", "it"]];

        var model = ArpaModelBuilder.Build(sentences, null, 0);

        var arpa = model.ToArpa();
        Assert.DoesNotContain(" you like", arpa, StringComparison.Ordinal);
        Assert.Contains(" like it", arpa, StringComparison.Ordinal);
        // The piece before the gap does not end a sentence, the piece after it does not start one.
        Assert.DoesNotContain("you </s>", arpa, StringComparison.Ordinal);
        Assert.DoesNotContain("<s> like", arpa, StringComparison.Ordinal);
    }

    [Fact]
    public void The_arpa_text_declares_the_n_gram_counts_its_sections_hold()
    {
        var arpa = Build(Background, 0.2).ToArpa();

        var lines = arpa.Split('\n');
        Assert.Equal("\\data\\", lines[0]);
        Assert.Equal("\\end\\", lines.Last(l => l.Length > 0));
        for (var n = 1; n <= 3; n++)
        {
            var declared = int.Parse(lines.Single(l => l.StartsWith($"ngram {n}=", StringComparison.Ordinal))[8..], CultureInfo.InvariantCulture);
            var start = Array.IndexOf(lines, $"\\{n}-grams:");
            var held = lines.Skip(start + 1).TakeWhile(l => l.Length > 0).ToList();
            Assert.Equal(declared, held.Count);
            Assert.All(held, l => Assert.InRange(l.Split(' ').Length, n + 1, n + 2));
        }

        Assert.Contains("-99.0000 <s> ", arpa, StringComparison.Ordinal);
    }

    private static ArpaModel Build(Dictionary<string, double>? background, double weight) =>
        ArpaModelBuilder.Build(Corpus.Select(s => (IReadOnlyList<string?>)s.Split(' ')), background, weight);
}
