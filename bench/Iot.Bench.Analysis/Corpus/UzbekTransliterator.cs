using System.Text;

namespace Iot.Bench.Analysis.Corpus;

// Uzbek Latin -> Cyrillic by the official correspondence (o' -> ў, g' -> ғ, sh -> ш, ch -> ч, yo/yu/ya/ye -> ё/ю/я/е,
// word-initial e -> э, q -> қ, h -> ҳ, apostrophe after a vowel -> ъ). The Latin text uses the ASCII apostrophe, as
// most typed Uzbek does. Loan words whose Cyrillic spelling is irregular (ts -> ц) are avoided in the frame files.
internal static class UzbekTransliterator
{
    private static readonly Dictionary<char, string> Single = new()
    {
        ['a'] = "а", ['b'] = "б", ['d'] = "д", ['e'] = "е", ['f'] = "ф", ['g'] = "г", ['h'] = "ҳ", ['i'] = "и",
        ['j'] = "ж", ['k'] = "к", ['l'] = "л", ['m'] = "м", ['n'] = "н", ['o'] = "о", ['p'] = "п", ['q'] = "қ",
        ['r'] = "р", ['s'] = "с", ['t'] = "т", ['u'] = "у", ['v'] = "в", ['x'] = "х", ['y'] = "й", ['z'] = "з",
        ['c'] = "ц",
    };

    public static string ToCyrillic(string latin)
    {
        var result = new StringBuilder(latin.Length);
        for (var i = 0; i < latin.Length; i++)
        {
            var c = latin[i];
            var lower = char.ToLowerInvariant(c);
            var upper = char.IsUpper(c);
            var next = i + 1 < latin.Length ? char.ToLowerInvariant(latin[i + 1]) : '\0';
            var afterNext = i + 2 < latin.Length ? latin[i + 2] : '\0';
            var wordStart = i == 0 || !char.IsLetter(latin[i - 1]) && latin[i - 1] != '\'';
            string cyr;
            if ((lower == 'o' || lower == 'g') && IsApostrophe(next))
            {
                cyr = lower == 'o' ? "ў" : "ғ";
                i++;
            }
            else if (lower == 's' && next == 'h' || lower == 'c' && next == 'h')
            {
                cyr = lower == 's' ? "ш" : "ч";
                i++;
            }
            else if (lower == 'y' && next is 'o' or 'u' or 'a' or 'e' && !(next == 'o' && IsApostrophe(afterNext)))
            {
                cyr = next switch { 'o' => "ё", 'u' => "ю", 'a' => "я", _ => "е" };
                i++;
            }
            else if (lower == 'e' && wordStart)
            {
                cyr = "э";
            }
            else if (IsApostrophe(lower))
            {
                cyr = i > 0 && char.IsLetter(latin[i - 1]) ? "ъ" : "'";
                result.Append(cyr);
                continue;
            }
            else if (!Single.TryGetValue(lower, out cyr!))
            {
                result.Append(c);
                continue;
            }

            result.Append(upper ? cyr.ToUpperInvariant() : cyr);
        }

        return result.ToString();
    }

    private static bool IsApostrophe(char c) => c is '\'' or 'ʻ' or 'ʼ' or '‘' or '’';
}
