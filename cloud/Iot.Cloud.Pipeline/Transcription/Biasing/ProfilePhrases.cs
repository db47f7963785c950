using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Cloud.Pipeline.Transcription.Biasing;

/// <summary>
/// Plain phrases a recogniser can be biased with, taken from one language of a tenant's analysis profile: the product
/// words, offer frames turned into example sentences, greetings and replies. Profile entries are matching patterns
/// (<c>case*</c>, <c>would|do you ?also like {item}</c>); a recogniser needs words, so stems lose their <c>*</c>,
/// alternatives keep their first choice, optional tokens are left out and the slot gets a product word.
/// </summary>
internal static class ProfilePhrases
{
    /// <summary>The profile's language for <paramref name="language"/> ("en-US" → "en"), or null when it has none.</summary>
    public static LanguagePhrases? For(AnalysisProfile profile, string? language)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var code = (language ?? "").Split('-', '_')[0].ToLowerInvariant();
        return profile.Languages.GetValueOrDefault(code);
    }

    /// <summary>
    /// Product words of every category without duplicates: whole words first ("extended warranty"), stems after them
    /// ("warrant*" is a matching pattern, and "warrant" is not what the customer hears); stems under three letters dropped.
    /// </summary>
    public static List<string> ProductWords(LanguagePhrases phrases)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        var all = phrases.UpsellOffers.Values.SelectMany(v => v).ToList();
        return [.. all.Where(w => !w.Contains('*', StringComparison.Ordinal)).Concat(all.Where(w => w.Contains('*', StringComparison.Ordinal)))
            .Select(Plain).Where(w => w.Length >= 3).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// One example sentence per offer frame (the tenant's frames, else the built-in ones of the language), the slot
    /// filled with product words in turn, so "would|do you ?also like {item}" becomes "would you like extended warranty?".
    /// </summary>
    public static List<string> OfferExamples(string language, LanguagePhrases phrases)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        var frames = phrases.OfferFrames ?? BuiltInProfiles.Default.Languages.GetValueOrDefault(language)?.OfferFrames ?? [];
        var products = ProductWords(phrases);
        var examples = new List<string>();
        for (var i = 0; i < frames.Count; i++)
        {
            var example = Example(frames[i], products.Count == 0 ? "" : products[i % products.Count]);
            if (example is not null && !examples.Contains(example, StringComparer.Ordinal))
            {
                examples.Add(example);
            }
        }

        return examples;
    }

    /// <summary>Greetings, accept, decline and hedge phrases, plain.</summary>
    public static List<string> Replies(string language, LanguagePhrases phrases)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        var hedges = phrases.Hedges ?? BuiltInProfiles.Default.Languages.GetValueOrDefault(language)?.Hedges ?? [];
        return [.. phrases.Greetings.Concat(phrases.Accept).Concat(phrases.Decline).Concat(hedges).Select(Plain).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Every phrase of the language (for a language model): examples, products, replies, sentiment words, checklist phrases.</summary>
    public static List<string> All(AnalysisProfile profile, string language)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (For(profile, language) is not { } phrases)
        {
            return [];
        }

        var checklist = profile.Checklist.SelectMany(c => c.Phrases.GetValueOrDefault(language) ?? []).Select(Plain);
        return [.. OfferExamples(language, phrases), .. ProductWords(phrases), .. Replies(language, phrases),
            .. phrases.Positive.Concat(phrases.Negative).Select(Plain), .. checklist];
    }

    internal static string? Example(string frame, string product)
    {
        var words = new List<string>();
        var question = false;
        foreach (var token in frame.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (token)
            {
                case "??":
                    question = true;
                    continue;
                case "!" or "^" or "~":
                    continue;
                case "{item}":
                    if (product.Length > 0)
                    {
                        words.Add(product);
                    }

                    continue;
            }

            // Optional words are left out, and so are punctuation tokens ("." marks a sentence end in a frame): the
            // example ends with its own full stop or question mark.
            if (token.StartsWith('?') || token.All(char.IsPunctuation))
            {
                continue;
            }

            var first = Plain(token.Split('|', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "");
            if (first.Length > 0)
            {
                // Frames are folded to lower case; the English pronoun is written as people write it.
                words.Add(first == "i" ? "I" : first);
            }
        }

        return words.Count < 2 ? null : string.Join(' ', words) + (question ? "?" : "");
    }

    private static string Plain(string pattern) => pattern.Replace('_', ' ').Trim('*', ' ').Replace("*", "", StringComparison.Ordinal);
}
