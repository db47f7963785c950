using Iot.Cloud.Pipeline.Transcription;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// A transcript cut into what the analyzer reasons over: utterances (the recogniser's boundaries, the only turn cue a
/// single microphone gives) and their sentences. Sentences are folded for matching; commas and the like become a
/// <see cref="ClauseMark"/> token so a frame can require the start of a clause and a product slot stops at one.
/// </summary>
internal sealed class SpokenTurn
{
    public const char ClauseMark = '\u0001';

    public required int Index { get; init; }

    public required int StartMs { get; init; }

    public required int EndMs { get; init; }

    /// <summary>Silence before this utterance (ms); 0 for the first.</summary>
    public required int PauseBeforeMs { get; init; }

    /// <summary>The trimmed utterance text, a verbatim substring of <see cref="Transcript.Text"/>.</summary>
    public required string Text { get; init; }

    public required FoldedText Folded { get; init; }

    public required IReadOnlyList<SpokenSentence> Sentences { get; init; }

    /// <summary>A maximum (about 2 minutes of speech) so one runaway utterance cannot make matching slow.</summary>
    public const int MaxChars = 4000;

    public static IReadOnlyList<SpokenTurn> Of(Transcript transcript)
    {
        var turns = new List<SpokenTurn>();
        var previousEnd = 0;
        foreach (var u in transcript.Utterances)
        {
            var text = (u.Text ?? "").Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (text.Length > MaxChars)
            {
                text = text[..MaxChars];
            }

            turns.Add(new SpokenTurn
            {
                Index = turns.Count,
                StartMs = u.StartMs,
                EndMs = u.EndMs,
                PauseBeforeMs = turns.Count == 0 ? 0 : Math.Max(0, u.StartMs - previousEnd),
                Text = text,
                Folded = FoldedText.Of(text),
                Sentences = SpokenSentence.Split(text),
            });
            previousEnd = u.EndMs;
        }

        return turns;
    }
}

/// <summary>One sentence of an utterance, folded with clause marks, mapping back to the utterance text.</summary>
internal sealed class SpokenSentence
{
    private readonly int[] _origin;

    private SpokenSentence(string utterance, string folded, int[] origin, bool question)
    {
        Utterance = utterance;
        Value = folded;
        _origin = origin;
        IsQuestion = question;
    }

    public string Utterance { get; }

    /// <summary>Folded words, clause marks as their own token, always ending in one space (frames match word + space).</summary>
    public string Value { get; }

    public bool IsQuestion { get; }

    public static IReadOnlyList<SpokenSentence> Split(string utterance)
    {
        var sentences = new List<SpokenSentence>();
        var start = 0;
        for (var i = 0; i <= utterance.Length; i++)
        {
            if (i < utterance.Length && utterance[i] is not ('.' or '?' or '!' or ';' or '\n' or '…' or '¿' or '¡'))
            {
                continue;
            }

            // "3.5" is a number, not two sentences.
            if (i < utterance.Length && utterance[i] == '.' && i > 0 && i + 1 < utterance.Length && char.IsDigit(utterance[i - 1]) && char.IsDigit(utterance[i + 1]))
            {
                continue;
            }

            var end = i;
            var question = i < utterance.Length && utterance[i] == '?';
            if (end > start && Build(utterance, start, end, question) is { } s)
            {
                sentences.Add(s);
            }

            start = i + 1;
        }

        return sentences;
    }

    private static SpokenSentence? Build(string utterance, int start, int end, bool question)
    {
        var sb = new System.Text.StringBuilder();
        var origin = new List<int>();
        var clauseStart = start;
        for (var i = start; i <= end; i++)
        {
            if (i < end && utterance[i] is not (',' or ':' or '—' or '–' or '(' or ')' or '"' or '«' or '»'))
            {
                continue;
            }

            var folded = FoldedText.Of(utterance[clauseStart..i]);
            if (folded.Value.Length > 0)
            {
                if (sb.Length > 0)
                {
                    sb.Append(SpokenTurn.ClauseMark).Append(' ');
                    origin.Add(clauseStart);
                    origin.Add(clauseStart);
                }

                for (var k = 0; k < folded.Value.Length; k++)
                {
                    sb.Append(folded.Value[k]);
                    origin.Add(clauseStart + folded.OriginalIndex(k));
                }

                sb.Append(' ');
                origin.Add(clauseStart + folded.OriginalIndex(folded.Value.Length - 1) + 1);
            }

            clauseStart = i + 1;
        }

        return sb.Length == 0 ? null : new SpokenSentence(utterance, sb.ToString(), [.. origin], question);
    }

    /// <summary>The utterance text behind folded range [start, end), trimmed of spaces and clause marks.</summary>
    public string Quote(int start, int end)
    {
        while (start < end && Value[start] is ' ' or SpokenTurn.ClauseMark)
        {
            start++;
        }

        while (end > start && Value[end - 1] is ' ' or SpokenTurn.ClauseMark)
        {
            end--;
        }

        if (end <= start)
        {
            return "";
        }

        var from = _origin[start];
        var to = _origin[end - 1] + 1;
        return Utterance[from..to];
    }
}
