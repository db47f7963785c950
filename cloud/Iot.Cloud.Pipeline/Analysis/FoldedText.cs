using System.Text;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Text reduced for matching (lower case, no diacritics, Uzbek/Azeri apostrophes dropped, punctuation as single spaces)
/// that remembers where every folded character came from, so a match can be quoted verbatim from the original.
/// </summary>
internal sealed class FoldedText
{
    private readonly int[] _origin;

    private FoldedText(string original, string folded, int[] origin)
    {
        Original = original;
        Value = folded;
        _origin = origin;
    }

    public string Original { get; }

    public string Value { get; }

    public static FoldedText Of(string original)
    {
        ArgumentNullException.ThrowIfNull(original);
        var sb = new StringBuilder(original.Length);
        var origin = new List<int>(original.Length);
        for (var i = 0; i < original.Length; i++)
        {
            var c = Fold(original[i]);
            if (c == '\0')
            {
                continue;
            }

            if (c == ' ' && (sb.Length == 0 || sb[^1] == ' '))
            {
                continue;
            }

            sb.Append(c);
            origin.Add(i);
        }

        if (sb.Length > 0 && sb[^1] == ' ')
        {
            sb.Length--;
            origin.RemoveAt(origin.Count - 1);
        }

        return new FoldedText(original, sb.ToString(), [.. origin]);
    }

    /// <summary>Folds a phrase the same way (no position map needed).</summary>
    public static string FoldPhrase(string phrase) => Of(phrase).Value;

    /// <summary>The original characters behind folded range [start, end).</summary>
    public string Quote(int start, int end)
    {
        var from = _origin[start];
        var to = _origin[end - 1] + 1;
        return Original[from..to];
    }

    public int OriginalIndex(int foldedIndex) => _origin[foldedIndex];

    internal static char Fold(char c)
    {
        if (c is '\'' or '\u2018' or '\u2019' or '\u02BB' or '\u02BC' or '`' or '\u00B4')
        {
            // o'z / oʻz / o’z are one Uzbek word however the apostrophe was typed.
            return '\0';
        }

        if (!char.IsLetterOrDigit(c))
        {
            return ' ';
        }

        var lower = c == '\u0130' ? 'i' : char.ToLowerInvariant(c);
        return lower switch
        {
            'à' or 'á' or 'â' or 'ã' or 'ä' or 'å' or 'ā' => 'a',
            'ç' or 'ć' or 'č' => 'c',
            'è' or 'é' or 'ê' or 'ë' or 'ē' or 'ə' => 'e',
            'ğ' => 'g',
            'ì' or 'í' or 'î' or 'ï' or 'ı' or 'ī' => 'i',
            'ñ' => 'n',
            'ò' or 'ó' or 'ô' or 'õ' or 'ö' or 'ø' or 'ō' => 'o',
            'ş' or 'ś' or 'š' => 's',
            'ù' or 'ú' or 'û' or 'ü' or 'ū' => 'u',
            'ý' or 'ÿ' => 'y',
            'ž' => 'z',
            'ё' => 'е',
            // Uzbek Cyrillic letters are often typed (and recognised) as their Russian neighbours.
            'ў' => 'у',
            'қ' => 'к',
            'ғ' => 'г',
            'ҳ' => 'х',
            _ => lower,
        };
    }
}
