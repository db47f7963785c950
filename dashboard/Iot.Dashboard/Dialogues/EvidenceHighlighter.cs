namespace Iot.Dashboard.Dialogues;

public sealed record TextPart(string Text, bool Evidence);

/// <summary>
/// Splits each utterance into plain and evidence parts. Quotes are searched in the utterances joined by spaces (the
/// transcript text the analyzer quoted), so a quote that runs across two utterances is marked in both.
/// </summary>
public static class EvidenceHighlighter
{
    public static IReadOnlyList<IReadOnlyList<TextPart>> Mark(IReadOnlyList<Utterance> utterances, IEnumerable<string> quotes)
    {
        var starts = new int[utterances.Count];
        var joined = new System.Text.StringBuilder();
        for (var i = 0; i < utterances.Count; i++)
        {
            if (i > 0)
            {
                joined.Append(' ');
            }

            starts[i] = joined.Length;
            joined.Append(utterances[i].Text);
        }

        var text = joined.ToString();
        var marked = new bool[text.Length];
        foreach (var quote in quotes.Where(q => !string.IsNullOrWhiteSpace(q)))
        {
            for (var at = text.IndexOf(quote, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(quote, at + quote.Length, StringComparison.OrdinalIgnoreCase))
            {
                Array.Fill(marked, true, at, quote.Length);
            }
        }

        var result = new List<IReadOnlyList<TextPart>>(utterances.Count);
        for (var i = 0; i < utterances.Count; i++)
        {
            var parts = new List<TextPart>();
            var u = utterances[i].Text;
            var runStart = 0;
            for (var j = 1; j <= u.Length; j++)
            {
                if (j == u.Length || marked[starts[i] + j] != marked[starts[i] + runStart])
                {
                    parts.Add(new TextPart(u[runStart..j], marked[starts[i] + runStart]));
                    runStart = j;
                }
            }

            result.Add(parts);
        }

        return result;
    }
}
