namespace Iot.Dashboard.Opportunities;

/// <summary>
/// How an offered item's words are compared: case-folded, trimmed, inner white space as one space. The top-items
/// table groups by it and the dialogue list's <c>item=</c> filter matches by it, so a row's count and the list its
/// link opens agree.
/// </summary>
public static class OfferedItemSql
{
    public static string Normalise(string expression) => $"lower(btrim(regexp_replace({expression}, '\\s+', ' ', 'g')))";

    /// <summary>The same rule in C#, for links and page text.</summary>
    public static string NormaliseWords(string? words) =>
        string.Join(' ', (words ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
