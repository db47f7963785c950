using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace Iot.Dashboard.Localization;

/// <summary>
/// The texts a page's scripts put on screen, translated on the server from the same resources as the page and handed
/// over as one JSON block (<c>&lt;script type="application/json" id="i18n-texts"&gt;</c>, read by <c>wwwroot/i18n.js</c>):
/// the scripts keep no translations of their own. A page names its keys in <c>ViewData[ClientTexts.ViewDataKey]</c>;
/// the layout adds <see cref="Common"/>.
/// </summary>
public static class ClientTexts
{
    public const string ViewDataKey = "ClientTexts";

    /// <summary>Texts of the scripts every signed-in page loads (the alert bell).</summary>
    public static readonly IReadOnlyList<string> Common = ["Bell.Title"];

    /// <summary>
    /// JSON of key → text. The serializer's default encoder escapes &lt;, &gt; and &amp;, so no text can close the script
    /// element it is written into.
    /// </summary>
    public static string Json(IStringLocalizer localizer, IEnumerable<string> keys) =>
        JsonSerializer.Serialize(keys.Distinct(StringComparer.Ordinal).ToDictionary(k => k, k => localizer[k].Value, StringComparer.Ordinal));
}
