using System.Globalization;

namespace Iot.Dashboard.Localization;

/// <summary>
/// The dashboard's languages. Adding one = a <c>SharedResource.{name}.resx</c> with every key of the English file
/// (<c>ResourceCompletenessTests</c> checks) and a line here; no schema change (<c>dashboard_users.language</c> holds the name).
/// </summary>
public static class SupportedCultures
{
    public const string Default = "en";

    /// <summary>Culture name and the language's own name for it, as the selector lists them.</summary>
    public static readonly IReadOnlyList<(string Name, string NativeName)> All =
    [
        ("en", "English"),
        ("ru", "Русский"),
        ("uz-Latn", "Oʻzbekcha"),
        ("az-Latn", "Azərbaycanca"),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(c => c.Name)];

    public static IList<CultureInfo> Cultures() => [.. Names.Select(CultureInfo.GetCultureInfo)];

    /// <summary>The supported name matching <paramref name="name"/> as written (ordinal, case-insensitive), else null.</summary>
    public static string? Find(string? name) =>
        name is null ? null : Names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
}
