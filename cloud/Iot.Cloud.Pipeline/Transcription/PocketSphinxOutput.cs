using System.Globalization;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>
/// Reads what <c>pocketsphinx_continuous -time yes</c> prints on stdout: per utterance one hypothesis line, then one
/// line per segment "<c>word start end confidence</c>" (seconds from the start of the file) from <c>&lt;s&gt;</c> to <c>&lt;/s&gt;</c>.
/// </summary>
internal static class PocketSphinxOutput
{
    public static IReadOnlyList<Utterance> Parse(string stdout)
    {
        var utterances = new List<Utterance>();
        List<TimedWord>? words = null;
        foreach (var raw in stdout.Split('\n'))
        {
            var parts = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 4 || !TryMs(parts[1], out var start) || !TryMs(parts[2], out var end) || !double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                // A hypothesis line (or log noise): the word lines that follow carry the same text with times.
                continue;
            }

            switch (parts[0])
            {
                case "<s>":
                    words = [];
                    break;
                case "</s>":
                    Close(utterances, words);
                    words = null;
                    break;
                default:
                    if (IsWord(parts[0]))
                    {
                        (words ??= []).Add(new TimedWord(start, end, StripVariant(parts[0])));
                    }

                    break;
            }
        }

        Close(utterances, words);
        return utterances;
    }

    /// <summary>
    /// The words' posterior probabilities (the fourth column), averaged with each word's length as its weight; null
    /// when no word was recognised. Fillers and silence do not count: a long pause is not doubt.
    /// </summary>
    public static double? MeanConfidence(string stdout)
    {
        double weighted = 0, weights = 0;
        foreach (var raw in stdout.Split('\n'))
        {
            var parts = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 4 && IsWord(parts[0]) && TryMs(parts[1], out var start) && TryMs(parts[2], out var end)
                && double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 1)
            {
                var length = Math.Max(1, end - start);
                weighted += p * length;
                weights += length;
            }
        }

        return weights > 0 ? weighted / weights : null;
    }

    private static void Close(List<Utterance> utterances, List<TimedWord>? words)
    {
        if (words is { Count: > 0 })
        {
            utterances.Add(new Utterance(words[0].StartMs, words[^1].EndMs, string.Join(' ', words.Select(w => w.Text)), words));
        }
    }

    // Silence, breath and noise fillers are segments too; they are not words anyone said.
    private static bool IsWord(string token) =>
        token is not ("<sil>" or "<s>" or "</s>") && !token.StartsWith("++", StringComparison.Ordinal) && !token.StartsWith('[');

    // The dictionary's alternative pronunciations show up as "to(3)".
    private static string StripVariant(string token)
    {
        var paren = token.IndexOf('(', StringComparison.Ordinal);
        return paren > 0 && token.EndsWith(')') ? token[..paren] : token;
    }

    private static bool TryMs(string seconds, out int ms)
    {
        var ok = double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0;
        ms = ok ? (int)Math.Round(s * 1000) : 0;
        return ok;
    }
}
