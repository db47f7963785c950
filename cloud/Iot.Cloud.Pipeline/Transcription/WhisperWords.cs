using System.Text;
using Whisper.net;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>
/// Word times from whisper.cpp token timestamps (centiseconds). A token starting with a space starts a word;
/// special and timestamp tokens (<c>[_BEG_]</c>, <c>&lt;|0.00|&gt;</c>) are skipped.
/// </summary>
internal static class WhisperWords
{
    /// <summary>
    /// Null when the tokens do not spell the segment's text: BPE can split one Cyrillic or Turkish letter across
    /// tokens, and such a token's text is not valid on its own, so words built from it would be wrong.
    /// </summary>
    public static IReadOnlyList<TimedWord>? From(IEnumerable<WhisperToken> tokens, string segmentText)
    {
        var words = new List<TimedWord>();
        var spelled = new StringBuilder();
        StringBuilder? current = null;
        long start = 0, end = 0;
        foreach (var token in tokens)
        {
            var text = token.Text ?? "";
            if (text.Length == 0 || IsSpecial(text))
            {
                continue;
            }

            spelled.Append(text);
            if (current is null || text.StartsWith(' '))
            {
                Flush();
                current = new StringBuilder();
                start = token.Start;
            }

            current.Append(text);
            end = Math.Max(end, token.End);
        }

        Flush();
        if (!string.Equals(spelled.ToString().Trim(), segmentText.Trim(), StringComparison.Ordinal) || words.Count == 0)
        {
            return null;
        }

        return words;

        void Flush()
        {
            var word = current?.ToString().Trim();
            if (!string.IsNullOrEmpty(word))
            {
                var s = (int)(start * 10);
                words.Add(new TimedWord(s, Math.Max(s, (int)(end * 10)), word));
            }
        }
    }

    private static bool IsSpecial(string text) =>
        text.StartsWith("[_", StringComparison.Ordinal) || text.StartsWith("<|", StringComparison.Ordinal);
}
