using System.Globalization;
using Iot.Dashboard.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Tests.Localization;

public sealed class AnalysisLabelsTests
{
    private static readonly StringLocalizer<SharedResource> Localizer =
        new(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    [Theory]
    [InlineData("en", "negative", "declined", "insurance", "Greeted the customer")]
    [InlineData("ru", "негативная", "отказался", "страховка", "Поприветствовал клиента")]
    [InlineData("uz-Latn", "salbiy", "rad etdi", "sugʻurta", "Mijoz bilan salomlashdi")]
    [InlineData("az-Latn", "mənfi", "imtina etdi", "sığorta", "Müştəri ilə salamlaşdı")]
    public void Built_in_analysis_values_are_shown_in_the_readers_language(string culture, string sentiment, string reaction, string category, string greeting)
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            var labels = new AnalysisLabels(Localizer);
            Assert.Equal(
                (sentiment, reaction, category, greeting),
                (labels.Sentiment("negative"), labels.Reaction("declined"), labels.Category("insurance"), labels.ChecklistItem("greeting")));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    [Fact]
    public void A_tenants_own_checklist_item_and_unknown_values_are_shown_as_written()
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ru");
            var labels = new AnalysisLabels(Localizer);
            Assert.Equal(("asked-for-loyalty-card", "mixed", "–"), (labels.ChecklistItem("asked-for-loyalty-card"), labels.Sentiment("mixed"), labels.Reaction(null)));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
