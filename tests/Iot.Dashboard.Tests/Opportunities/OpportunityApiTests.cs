using System.Net;
using System.Net.Http.Json;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Opportunities;
using Iot.Dashboard.Tests.Infrastructure;

namespace Iot.Dashboard.Tests.Opportunities;

/// <summary>
/// <c>/api/opportunities/*</c> over HTTP on real PostgreSQL, against <see cref="OpportunitySeed"/>'s week worked out by
/// hand: which dialogues count, their order and quotes, local-day boundaries, paging, filters, and who sees what.
/// </summary>
public sealed class OpportunityApiTests(OpportunityFixture fx) : IClassFixture<OpportunityFixture>
{
    private OpportunitySeed S => fx.Seed;

    [Fact]
    public async Task Missed_lists_unflagged_purchases_without_an_offer_newest_first_with_their_purchase_quotes()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var page = await client.GetFromJsonAsync<OpportunityPage<MissedOpportunity>>("/api/opportunities/missed?" + OpportunitySeed.Week);

        // Not the flagged, deleted, unjudged or no-purchase ones, nor any with an offer, nor Globex's.
        Assert.Equal([S.MissedLateNorth, S.MissedSouth, S.MissedNorth], page!.Items.Select(i => i.DialogueId));
        Assert.Equal("America/New_York", page.TimeZone);
        Assert.Equal((new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 13)), (page.From, page.To));
        var south = page.Items[1];
        Assert.Equal([OpportunitySeed.MissedSouthQuote1, OpportunitySeed.MissedSouthQuote2], south.PurchaseQuotes);
        Assert.Equal(("acme-south", "acme-d2", "op-erin"), (south.BranchId, south.DeviceId, south.OperatorId));
        Assert.Equal($"/dialogues/{S.MissedSouth}", south.Url);
        Assert.Equal([OpportunitySeed.MissedNorthQuote], page.Items[2].PurchaseQuotes);
        Assert.Null(page.NextCursor);

        // The detail link opens that dialogue.
        using var detail = await client.GetAsync("/api" + south.Url);
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
    }

    [Fact]
    public async Task Missed_pages_by_keyset_and_filters_by_local_day_branch_device_and_operator()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        async Task<Guid[]> IdsAsync(string query) =>
            [.. (await client.GetFromJsonAsync<OpportunityPage<MissedOpportunity>>("/api/opportunities/missed?" + query))!.Items.Select(i => i.DialogueId)];

        var first = await client.GetFromJsonAsync<OpportunityPage<MissedOpportunity>>($"/api/opportunities/missed?{OpportunitySeed.Week}&pageSize=2");
        Assert.Equal([S.MissedLateNorth, S.MissedSouth], first!.Items.Select(i => i.DialogueId));
        Assert.NotNull(first.NextCursor);
        Assert.Equal([S.MissedNorth], await IdsAsync($"{OpportunitySeed.Week}&pageSize=2&cursor={first.NextCursor}"));

        // 23:30 on 11 Nov in New York is 12 Nov in UTC: it belongs to the 11th.
        Assert.Equal([S.MissedLateNorth, S.MissedSouth], await IdsAsync("from=2026-11-11&to=2026-11-11"));
        Assert.Equal([S.MissedNorth], await IdsAsync("from=2026-11-10&to=2026-11-10"));
        Assert.Equal([S.MissedSouth], await IdsAsync($"{OpportunitySeed.Week}&branch=acme-south"));
        Assert.Equal([S.MissedSouth], await IdsAsync($"{OpportunitySeed.Week}&device=acme-d2"));
        Assert.Equal([S.MissedLateNorth, S.MissedNorth], await IdsAsync($"{OpportunitySeed.Week}&operator=op-dora"));
        Assert.Empty(await IdsAsync($"{OpportunitySeed.Week}&operator=op-dora&device=acme-d2"));

        // A dialogue deleted after the fact leaves the list at once (the analysis's copy of the flag follows it).
        await using (var c = new Npgsql.NpgsqlConnection(fx.Dashboard.ConnectionString))
        {
            await c.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("UPDATE dialogues SET deleted_at = now() WHERE dialogue_id = @id", c);
            cmd.Parameters.AddWithValue("id", S.MissedLateNorth);
            await cmd.ExecuteNonQueryAsync();
            Assert.Equal([S.MissedSouth, S.MissedNorth], await IdsAsync(OpportunitySeed.Week));
            cmd.CommandText = "UPDATE dialogues SET deleted_at = NULL WHERE dialogue_id = @id";
            await cmd.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Declined_lists_each_offer_in_the_sellers_words_with_its_reaction_and_the_customers_reply()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var page = await client.GetFromJsonAsync<OpportunityPage<DeclinedOffer>>("/api/opportunities/declined?" + OpportunitySeed.Week);
        Assert.Equal([S.DeclinedSouth, S.DeclinedNorth], page!.Items.Select(i => i.DialogueId));
        var north = page.Items[1];
        Assert.Equal([new OfferedItemView(" Premium  Warranty ", "warranty", "declined"), new OfferedItemView("Phone Case", "accessories", "declined")], north.OfferedItems);
        Assert.Equal(["Premium  Warranty", "Phone Case"], north.OfferQuotes);
        Assert.Equal([OpportunitySeed.DeclinedNorthReply], north.ReactionQuotes);
        Assert.Equal(["warranty", "accessories"], north.OfferedCategories);

        using var supervisor = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        var own = await supervisor.GetFromJsonAsync<OpportunityPage<DeclinedOffer>>("/api/opportunities/declined?" + OpportunitySeed.Week);
        Assert.Equal([S.DeclinedNorth], own!.Items.Select(i => i.DialogueId));
    }

    [Fact]
    public async Task Top_items_fold_case_and_spaces_count_offers_and_acceptance_and_sort_both_ways()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var top = await client.GetFromJsonAsync<TopItems>("/api/opportunities/items?" + OpportunitySeed.Week);

        // "Premium Warranty", " Premium  Warranty ", "PREMIUM WARRANTY" x2: four offers in three dialogues, three accepted.
        // The flagged decline and Globex's offer are not counted.
        Assert.Equal("-offered", top!.Sort);
        Assert.Equal(["premium warranty", "phone case", "screen protector"], top.Items.Select(i => i.Item));
        var warranty = top.Items[0];
        Assert.Equal(("warranty", 4, 3, 3, 1), (warranty.Category, warranty.Offered, warranty.Dialogues, warranty.Accepted, warranty.Declined));
        Assert.Equal(0.75, warranty.AcceptanceRate!.Value, 9);
        Assert.Equal(("accessories", 1, 0, 0.0), (top.Items[1].Category, top.Items[1].Offered, top.Items[1].Accepted, top.Items[1].AcceptanceRate!.Value));

        var byRate = await client.GetFromJsonAsync<TopItems>($"/api/opportunities/items?{OpportunitySeed.Week}&sort=acceptanceRate");
        Assert.Equal(["phone case", "screen protector", "premium warranty"], byRate!.Items.Select(i => i.Item));
        var byName = await client.GetFromJsonAsync<TopItems>($"/api/opportunities/items?{OpportunitySeed.Week}&sort=-item&limit=2");
        Assert.Equal(["screen protector", "premium warranty"], byName!.Items.Select(i => i.Item));

        // A north-only supervisor: the south's two accepted offers and its screen protector are not there.
        using var supervisor = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        var north = await supervisor.GetFromJsonAsync<TopItems>("/api/opportunities/items?" + OpportunitySeed.Week);
        Assert.Equal([("premium warranty", 2, 1), ("phone case", 1, 0)], north!.Items.Select(i => (i.Item, i.Offered, i.Accepted)));
        var asked = await supervisor.GetFromJsonAsync<TopItems>($"/api/opportunities/items?{OpportunitySeed.Week}&branch=acme-south");
        Assert.Empty(asked!.Items);
    }

    [Fact]
    public async Task An_items_link_lists_exactly_the_dialogues_its_row_counts()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        foreach (var filter in new[] { "", "&operator=op-erin", "&branch=acme-north", "&device=acme-d1" })
        {
            var top = await client.GetFromJsonAsync<TopItems>($"/api/opportunities/items?{OpportunitySeed.Week}{filter}");
            Assert.NotEmpty(top!.Items);
            foreach (var row in top.Items)
            {
                Assert.StartsWith("/dialogues?from=2026-11-09T00%3A00%3A00-05%3A00&to=2026-11-14T00%3A00%3A00-05%3A00", row.DialoguesUrl, StringComparison.Ordinal);
                var list = await client.GetFromJsonAsync<DialoguePage>("/api" + row.DialoguesUrl + "&pageSize=100");
                Assert.Equal(row.Dialogues, list!.Items.Count);
            }
        }
    }

    [Theory]
    [InlineData("missed", "from=2026-13-01", "from")]
    [InlineData("missed", "from=2026-11-10&to=2026-11-01", "from")]
    [InlineData("declined", "from=2025-01-01&to=2026-11-10", "to")]
    [InlineData("missed", "pageSize=0", "pageSize")]
    [InlineData("declined", "cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("items", "sort=price;DROP TABLE analyses", "sort")]
    [InlineData("items", "limit=1000", "limit")]
    public async Task Bad_parameters_get_a_400_problem_naming_the_parameter(string route, string query, string parameter)
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        using var response = await client.GetAsync($"/api/opportunities/{route}?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>();
        Assert.True(problem!.Errors.ContainsKey(parameter), string.Join(", ", problem.Errors.Keys));
    }

    [Fact]
    public async Task An_operator_longer_than_an_id_is_refused()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        using var response = await client.GetAsync("/api/opportunities/items?operator=" + new string('x', 101));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("operator", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_tenant_sees_none_of_acmes_opportunities_and_a_technician_is_refused()
    {
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        var missed = await globex.GetFromJsonAsync<OpportunityPage<MissedOpportunity>>($"/api/opportunities/missed?{OpportunitySeed.Week}&branch=acme-north");
        Assert.Empty(missed!.Items);
        var own = await globex.GetFromJsonAsync<OpportunityPage<MissedOpportunity>>("/api/opportunities/missed?" + OpportunitySeed.Week);
        Assert.Equal(["globex-main"], own!.Items.Select(i => i.BranchId));
        var items = await globex.GetFromJsonAsync<TopItems>("/api/opportunities/items?" + OpportunitySeed.Week);
        Assert.Equal([("premium warranty", 1)], items!.Items.Select(i => (i.Item, i.Offered)));

        using var technician = await fx.ClientAsAsync(SeedData.AcmeTechnician);
        foreach (var route in new[] { "missed", "declined", "items" })
        {
            using var response = await technician.GetAsync("/api/opportunities/" + route);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }
}
