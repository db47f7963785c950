using System.Collections.Frozen;

namespace Iot.Protocol.Messages;

/// <summary>
/// The language codes a place (tenant, branch, device) may say its staff speak: the ones Whisper has models for, which
/// is the widest set any recogniser here knows. Shared by the dashboard, the operator API and the agent so a code one
/// accepts is never refused by another.
/// </summary>
public static class SpokenLanguageCodes
{
    /// <summary>More than this at one place is a configuration mistake, not a shop.</summary>
    public const int MaxPerPlace = 8;

    public static readonly FrozenSet<string> Known = new[]
    {
        "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi", "vi",
        "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk",
        "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw",
        "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo",
        "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Splits entries on commas and spaces (a form sends "ru, tr" as one value), lower-cases, drops duplicates and keeps
    /// the order given. Null or nothing left = not set.
    /// </summary>
    public static string[]? Normalise(IEnumerable<string?>? codes)
    {
        if (codes is null)
        {
            return null;
        }

        var list = codes.Where(c => c is not null)
            .SelectMany(c => c!.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(c => c.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return list.Length == 0 ? null : list;
    }

    /// <summary>Null when every code is known and there are not too many; else an error naming <paramref name="key"/> and the entry.</summary>
    public static string? Check(IReadOnlyList<string>? codes, string key)
    {
        if (codes is null)
        {
            return null;
        }

        if (codes.Count > MaxPerPlace)
        {
            return $"{key} has {codes.Count} languages; at most {MaxPerPlace}";
        }

        for (var i = 0; i < codes.Count; i++)
        {
            if (!Known.Contains(codes[i]))
            {
                var shown = codes[i].Length > 20 ? codes[i][..20] + "..." : codes[i];
                return $"{key}[{i}] '{shown}' is not a language code a recogniser knows (e.g. en, ru, tr, az, uz)";
            }
        }

        return null;
    }
}
