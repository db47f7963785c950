using System.Net;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.Dashboard.Tests.Opportunities;
using Npgsql;

namespace Iot.Dashboard.Tests.Dialogues;

/// <summary>
/// The dialogue list's filters of issue 19 item 4 (offered category, offered item, corrected by a review) on
/// <see cref="OpportunitySeed"/>'s week, through the list API, the CSV/XLSX exports and the list page.
/// </summary>
public sealed class DialogueOfferFilterTests(OpportunityFixture fx) : IClassFixture<OpportunityFixture>
{
    // The seeded week as instants (New York midnights), so SeedData's own dialogues of 18-20 Nov stay out.
    private const string Week = "from=2026-11-09T05:00:00Z&to=2026-11-14T05:00:00Z";

    private OpportunitySeed S => fx.Seed;

    private async Task<HashSet<Guid>> IdsAsync(HttpClient client, string query) =>
        [.. (await client.GetFromJsonAsync<DialoguePage>($"/api/dialogues?pageSize=100&{Week}&{query}"))!.Items.Select(d => d.DialogueId)];

    [Fact]
    public async Task Category_and_item_filters_match_offers_with_case_and_spaces_folded()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        Assert.Equal([S.DeclinedNorth, S.DeclinedSouth], await IdsAsync(client, "category=accessories"));
        Assert.Equal([S.AcceptedNorth, S.DeclinedNorth, S.AcceptedSouthTwice, S.FlaggedDeclined], await IdsAsync(client, "category=warranty"));

        // "  premium WARRANTY" matches " Premium  Warranty ", "PREMIUM WARRANTY" and "Premium Warranty"; not "warranty" alone.
        Assert.Equal([S.AcceptedNorth, S.DeclinedNorth, S.AcceptedSouthTwice, S.FlaggedDeclined], await IdsAsync(client, "item=%20%20premium%20WARRANTY"));
        Assert.Equal([S.AcceptedNorth, S.DeclinedNorth, S.AcceptedSouthTwice], await IdsAsync(client, "item=premium%20warranty&flagged=false"));
        Assert.Empty(await IdsAsync(client, "item=warranty"));
        Assert.Equal([S.DeclinedNorth], await IdsAsync(client, "item=phone%20case&category=warranty"));
        Assert.Equal([S.DeclinedSouth], await IdsAsync(client, "category=accessories&operator=op-erin&qualityMin=60&qualityMax=60"));
        Assert.Empty(await IdsAsync(client, "category=accessories&qualityMin=61"));
    }

    [Fact]
    public async Task Corrected_means_a_current_review_changed_any_verdict_not_only_upsell_or_reaction()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);

        // Sentiment changed; a checklist item changed; the upsell answer changed. The confirmed review and the superseded
        // one are not corrections.
        Assert.Equal([S.MissedNorth, S.AcceptedSouthTwice, S.DeclinedNorth], await IdsAsync(client, "corrected=true"));
        Assert.Equal([S.DeclinedNorth], await IdsAsync(client, "reviewed=disagrees"));
        var notCorrected = await IdsAsync(client, "corrected=false");
        Assert.Contains(S.DeclinedSouth, notCorrected);
        Assert.Contains(S.MissedSouth, notCorrected);
        Assert.DoesNotContain(S.MissedNorth, notCorrected);
        Assert.Equal([S.DeclinedSouth], await IdsAsync(client, "corrected=false&reviewed=true"));

        var rows = (await client.GetFromJsonAsync<DialoguePage>($"/api/dialogues?pageSize=100&{Week}&reviewed=true"))!.Items.ToDictionary(d => d.DialogueId);
        Assert.True(rows[S.MissedNorth].ReviewCorrected);
        Assert.False(rows[S.MissedNorth].ReviewDisagrees);
        Assert.False(rows[S.DeclinedSouth].ReviewCorrected);
    }

    [Fact]
    public async Task The_exports_honour_the_new_filters_and_record_them_in_the_audit_log()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var csv = (await client.GetStringAsync($"/api/reports/dialogues.csv?{Week}&item=Premium%20Warranty&flagged=false")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 3, csv.Length);
        Assert.Equal(new HashSet<string> { S.AcceptedNorth.ToString(), S.DeclinedNorth.ToString(), S.AcceptedSouthTwice.ToString() }, csv.Skip(1).Select(l => l.Split(',')[0]).ToHashSet());

        var corrected = (await client.GetStringAsync($"/api/reports/dialogues.csv?{Week}&corrected=true&category=warranty")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new HashSet<string> { S.AcceptedSouthTwice.ToString(), S.DeclinedNorth.ToString() }, corrected.Skip(1).Select(l => l.Split(',')[0]).ToHashSet());

        using var xlsx = await client.GetAsync($"/api/reports/dialogues.xlsx?{Week}&category=accessories");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var sheet = Reports.XlsxReader.Read(await xlsx.Content.ReadAsByteArrayAsync());
        Assert.Equal(1 + 2, sheet["Dialogues"].Count);

        await using var c = new NpgsqlConnection(fx.Dashboard.ConnectionString);
        var details = await c.QueryAsync<string>("SELECT details::text FROM audit_log WHERE action = 'export' AND details ? 'item'");
        Assert.Contains(details, d => d.Contains("Premium Warranty", StringComparison.Ordinal));
        Assert.Contains(await c.QueryAsync<string>("SELECT details::text FROM audit_log WHERE action = 'export' AND details ? 'corrected'"), d => d.Contains("True", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("category", 101)]
    [InlineData("item", 201)]
    public async Task Overlong_offer_filters_get_a_400_naming_them(string parameter, int length)
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        foreach (var route in new[] { "/api/dialogues", "/api/reports/dialogues.csv" })
        {
            using var response = await client.GetAsync($"{route}?{parameter}={new string('x', length)}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains($"\"{parameter}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var bad = await client.GetAsync("/api/dialogues?corrected=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task A_north_supervisor_filtering_by_a_south_item_gets_nothing()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        Assert.Empty(await IdsAsync(client, "item=screen%20protector"));
        Assert.Equal([S.DeclinedNorth], await IdsAsync(client, "category=accessories"));
    }
}
