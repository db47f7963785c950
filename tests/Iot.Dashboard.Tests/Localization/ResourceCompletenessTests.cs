using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Localization;
using Iot.Dashboard.Pages;
using Iot.TestSupport;

namespace Iot.Dashboard.Tests.Localization;

public sealed partial class ResourceCompletenessTests
{
    private static readonly ResourceManager Resources = new("Iot.Dashboard.Localization.SharedResource", typeof(SharedResource).Assembly);

    public static TheoryData<string> OtherCultures() => [.. SupportedCultures.Names.Where(n => n != SupportedCultures.Default)];

    [Theory]
    [MemberData(nameof(OtherCultures))]
    public void Every_english_key_is_translated_with_the_same_placeholders_and_no_key_is_left_over(string culture)
    {
        var english = Read(CultureInfo.InvariantCulture);
        var translated = Read(CultureInfo.GetCultureInfo(culture));
        Assert.NotEmpty(english);
        Assert.Empty(english.Keys.Except(translated.Keys).Order(StringComparer.Ordinal));
        Assert.Empty(translated.Keys.Except(english.Keys).Order(StringComparer.Ordinal));
        foreach (var (key, text) in translated)
        {
            Assert.False(string.IsNullOrWhiteSpace(text), $"{culture}: {key} is empty");
            Assert.Equal(Placeholders(english[key]), Placeholders(text));
        }
    }

    [Fact]
    public void Every_key_the_pages_and_scripts_ask_for_is_in_the_english_resources()
    {
        var english = Read(CultureInfo.InvariantCulture);
        var asked = new HashSet<string>(StringComparer.Ordinal);
        var dashboard = Path.Combine(RepoPaths.Root, "dashboard", "Iot.Dashboard");
        foreach (var file in Directory.EnumerateFiles(dashboard, "*.cs*", SearchOption.AllDirectories).Where(f => f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)))
        {
            asked.UnionWith(LiteralKey().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value));
        }

        // Scripts: i18n.t('Key', …) and t('Key', …) with a literal key.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(dashboard, "wwwroot"), "*.js"))
        {
            asked.UnionWith(ScriptKey().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value));
        }

        Assert.Contains("Fleet.LiveUpdated", asked);
        asked.UnionWith(AnalysisLabels.Keys());
        asked.UnionWith(ClientTexts.Common);
        asked.UnionWith(TrendsModel.MeasureNames.Values);
        asked.UnionWith(Roles.All.Select(r => "Role." + r));
        asked.UnionWith(OpportunitiesModel.Views.Select(v => v.Title));
        asked.UnionWith(Iot.Dashboard.Reports.SummaryXlsx.TableHeader);
        asked.UnionWith(DeviceModel.ClientKeys);
        asked.UnionWith(AlertsModel.ClientKeys);
        asked.UnionWith(Iot.Dashboard.Alerts.AlertStates.Values.Select(s => "AlertState." + s));
        Assert.Contains("Nav.Overview", asked);
        Assert.Empty(asked.Except(english.Keys).Order(StringComparer.Ordinal));
    }

    private static Dictionary<string, string> Read(CultureInfo culture)
    {
        // tryParents: false, so a key missing from ru is not filled in from the English file.
        var set = Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new InvalidOperationException($"no resources for {culture.Name}");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
    }

    private static string[] Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();

    /// <summary>T["Key"], t["Key"] and T["Key", args] with a literal dotted key.</summary>
    [GeneratedRegex(@"\b[Tt]\[""([A-Za-z]+\.[A-Za-z.]+)""")]
    private static partial Regex LiteralKey();

    [GeneratedRegex(@"\bt\('([A-Za-z]+\.[A-Za-z.\-]+)'")]
    private static partial Regex ScriptKey();
}
