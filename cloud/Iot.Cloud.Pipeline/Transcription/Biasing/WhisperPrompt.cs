using System.Text;
using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Cloud.Pipeline.Transcription.Biasing;

/// <summary>
/// Whisper's initial prompt from the tenant's profile, in the dialogue's language: a few offer phrasings and the
/// product words. Whisper reads the prompt as text that came before, so it nudges spelling and vocabulary toward it;
/// product names are what it mangles most. The prompt shares the decoder's context with the output (whisper.cpp
/// keeps at most n_text_ctx/2 = 224 prompt tokens), so it is cut to a token budget estimated from characters,
/// conservatively: a token per three ASCII characters, one per any other character (Cyrillic and Turkic letters
/// take one to two byte-level tokens each).
/// </summary>
internal static class WhisperPrompt
{
    /// <summary>Whisper's own limit on prompt tokens; budgets above it are meaningless.</summary>
    public const int MaxTokens = 224;

    /// <summary>Offer phrasings put first; the rest of the budget goes to product words, then more phrasings.</summary>
    private const int LeadingExamples = 2;

    /// <summary>
    /// The prompt for a dialogue in <paramref name="language"/>, or null when there is nothing to say: no language yet
    /// (a prompt in a guessed language would steer Whisper's language detection) or none the profile has.
    /// </summary>
    public static string? Build(AnalysisProfile profile, string? language, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (language is null or "auto" || maxTokens <= 0 || ProfilePhrases.For(profile, language) is not { } phrases)
        {
            return null;
        }

        var code = language.Split('-', '_')[0].ToLowerInvariant();
        var examples = ProfilePhrases.OfferExamples(code, phrases).Select(Sentence).ToList();
        var products = ProfilePhrases.ProductWords(phrases);
        var budget = Math.Min(maxTokens, MaxTokens);
        var prompt = new StringBuilder();
        foreach (var example in examples.Take(LeadingExamples))
        {
            Append(prompt, example, budget);
        }

        // Product words as one list sentence, cut word by word: "Extended warranty, case, charger."
        var listed = 0;
        foreach (var word in products)
        {
            var piece = (listed == 0 ? Capitalize(word) : word) + ",";
            if (!Append(prompt, piece, budget))
            {
                break;
            }

            listed++;
        }

        if (listed > 0)
        {
            prompt[^1] = '.';
        }

        foreach (var example in examples.Skip(LeadingExamples))
        {
            if (!Append(prompt, example, budget))
            {
                break;
            }
        }

        return prompt.Length == 0 ? null : prompt.ToString();
    }

    /// <summary>Estimated Whisper tokens of <paramref name="text"/>, never fewer than the real count for these languages.</summary>
    public static int EstimateTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ascii = 0;
        var other = 0;
        foreach (var c in text)
        {
            if (c < 128)
            {
                ascii++;
            }
            else
            {
                other++;
            }
        }

        return (ascii + 2) / 3 + other;
    }

    private static bool Append(StringBuilder prompt, string piece, int budget)
    {
        var candidate = prompt.Length == 0 ? piece : prompt + " " + piece;
        if (EstimateTokens(candidate) > budget)
        {
            return false;
        }

        if (prompt.Length > 0)
        {
            prompt.Append(' ');
        }

        prompt.Append(piece);
        return true;
    }

    private static string Sentence(string example) =>
        Capitalize(example) + (example.EndsWith('?') ? "" : ".");

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
