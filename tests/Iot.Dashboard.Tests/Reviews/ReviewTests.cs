using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Overview;
using Iot.Dashboard.Reviews;
using Iot.Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Iot.Dashboard.Tests.Reviews;

/// <summary>Reviewers' corrections (issue 16 item 7): stored beside the analysis, shown in lists, reports and the overview.</summary>
public sealed partial class ReviewTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    // Seeded analyses: upsell as seeded, reaction 'accepted', checklist greeting/offer-warranty/farewell.
    private static readonly object Correction = new
    {
        upsell = false,
        reaction = "none",
        checklist = new[] { new { itemId = "farewell", met = true } },
        note = "The warranty line was a question about the receipt, not an offer.",
    };

    [Fact]
    public async Task A_supervisors_correction_shows_in_the_list_filter_export_and_overview_agreement()
    {
        using var north = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var period = $"from={SeedData.Day.AddDays(-2):yyyy-MM-dd}&to={SeedData.Day.AddDays(1):yyyy-MM-dd}";
        var before = (await analyst.GetFromJsonAsync<OverviewKpis>("/api/overview?" + period))!.ReviewerAgreement;
        var agreeing = await BulkDialogueAsync(north, upsell: true);

        var corrected = await north.PostAsJsonAsync($"/api/dialogues/{fx.Seed.AcmeDialogue}/review", Correction);
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
        var view = (await corrected.Content.ReadFromJsonAsync<ReviewView>())!;
        Assert.Equal((false, "none", true, "accepted", "rules"), (view.Upsell, view.Reaction, view.MachineUpsell, view.MachineReaction, view.AnalysisEngine));
        Assert.Equal(SeedData.AcmeNorthSupervisor, view.Reviewer);
        Assert.Equal(HttpStatusCode.Created, (await north.PostAsJsonAsync($"/api/dialogues/{agreeing}/review", new { upsell = true, reaction = "accepted" })).StatusCode);

        // Readers see it beside the machine result; the analysis itself is unchanged.
        var reviews = await analyst.GetFromJsonAsync<DialogueReviews>($"/api/dialogues/{fx.Seed.AcmeDialogue}/review");
        Assert.Equal(view.ReviewId, reviews!.Current!.ReviewId);
        Assert.Equal([new ChecklistOutcome("farewell", true)], reviews.Current.Checklist);
        var detail = await analyst.GetFromJsonAsync<DialogueDetail>($"/api/dialogues/{fx.Seed.AcmeDialogue}");
        Assert.True(detail!.Analysis!.UpsellAttempted);
        Assert.Equal<(bool, bool?, string?, bool?)>((true, false, "none", true), (detail.Dialogue.Reviewed, detail.Dialogue.ReviewedUpsell, detail.Dialogue.ReviewedReaction, detail.Dialogue.ReviewDisagrees));

        // Other tests of this class review other dialogues, so the lists are checked for these two only.
        var disagreeing = await IdsAsync(analyst, "reviewed=disagrees");
        Assert.Contains(fx.Seed.AcmeDialogue, disagreeing);
        Assert.DoesNotContain(agreeing, disagreeing);
        Assert.Superset(new HashSet<Guid> { fx.Seed.AcmeDialogue, agreeing }, (await IdsAsync(analyst, "reviewed=true")).ToHashSet());
        var unreviewed = await IdsAsync(analyst, "reviewed=false");
        Assert.DoesNotContain(agreeing, unreviewed);
        Assert.DoesNotContain(fx.Seed.AcmeDialogue, unreviewed);
        Assert.Contains(fx.Seed.AcmeSouthDialogue, unreviewed);
        Assert.Equal(HttpStatusCode.BadRequest, (await analyst.GetAsync("/api/dialogues?reviewed=maybe")).StatusCode);

        var csv = (await analyst.GetStringAsync("/api/reports/dialogues.csv?reviewed=true")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",reviewed,reviewed_upsell,reviewed_reaction,transcript_flag", csv[0], StringComparison.Ordinal);
        Assert.EndsWith(",disagrees,no,none,", csv.Single(l => l.StartsWith(fx.Seed.AcmeDialogue.ToString(), StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.EndsWith(",agrees,yes,accepted,", csv.Single(l => l.StartsWith(agreeing.ToString(), StringComparison.Ordinal)), StringComparison.Ordinal);
        var xlsx = await analyst.GetAsync("/api/reports/dialogues.xlsx?reviewed=true");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);

        var after = (await analyst.GetFromJsonAsync<OverviewKpis>("/api/overview?" + period))!.ReviewerAgreement;
        Assert.Equal((before.Reviews + 2, before.UpsellAgreed + 1, before.ReactionAgreed + 1), (after.Reviews, after.UpsellAgreed, after.ReactionAgreed));
        var outside = (await analyst.GetFromJsonAsync<OverviewKpis>("/api/overview?from=2026-10-01&to=2026-10-08"))!.ReviewerAgreement;
        Assert.Equal(0, outside.Reviews);
        Assert.Null(outside.UpsellAgreement);

        var list = await analyst.GetStringAsync("/dialogues?reviewed=disagrees");
        Assert.Contains($"/dialogues/{fx.Seed.AcmeDialogue}", list, StringComparison.Ordinal);
        Assert.Contains("corrected", list, StringComparison.Ordinal);
        var overview = await analyst.GetStringAsync("/?" + period);
        Assert.Contains("Agreement with reviewers", overview, StringComparison.Ordinal);
        Assert.Contains("id=\"agreement-reviews\"", overview, StringComparison.Ordinal);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var audit = await c.QuerySingleAsync<(string Actor, string Upsell, string Note)>(
            "SELECT actor, details->>'upsell', details->>'note' FROM audit_log WHERE action = 'analysis-reviewed' AND target = @id", new { id = fx.Seed.AcmeDialogue.ToString() });
        Assert.Equal((SeedData.AcmeNorthSupervisor, "yes -> no", "The warranty line was a question about the receipt, not an offer."), audit);
    }

    [Fact]
    public async Task A_new_review_supersedes_the_current_one_and_the_old_one_stays_in_the_history()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var id = await BulkDialogueAsync(admin, upsell: false);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"/api/dialogues/{id}/review", new { upsell = false, reaction = "none", note = "first look" })).StatusCode);
        var second = await admin.PostAsJsonAsync($"/api/dialogues/{id}/review", new { upsell = true, reaction = "declined", offers = new[] { new { category = "insurance" } }, sentiment = "negative", note = "second look" });
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);

        var reviews = await admin.GetFromJsonAsync<DialogueReviews>($"/api/dialogues/{id}/review");
        Assert.Equal(["second look", "first look"], reviews!.History.Select(r => r.Note));
        Assert.Equal("second look", reviews.Current!.Note);
        Assert.Null(reviews.Current.SupersededAt);
        Assert.NotNull(reviews.History[1].SupersededAt);
        Assert.Equal<(string?, string?)>(("insurance", "negative"), (reviews.Current.Offers.Single().Category, reviews.Current.Sentiment));

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(reviews.Current.ReviewId, await c.ExecuteScalarAsync<long>("SELECT superseded_by FROM analysis_reviews WHERE review_id = @old", new { old = reviews.History[1].ReviewId }));
        var supersedes = await c.QueryAsync<string?>("SELECT details->>'supersedes' FROM audit_log WHERE action = 'analysis-reviewed' AND target = @id ORDER BY audit_id", new { id = id.ToString() });
        Assert.Equal([null, reviews.History[1].ReviewId.ToString(System.Globalization.CultureInfo.InvariantCulture)], supersedes);
    }

    public static TheoryData<string, string, string> InvalidReviews() => new()
    {
        { """{"upsell":true,"reaction":"accepted","checklist":[{"itemId":"smile","met":true}]}""", "checklist[0].itemId", "unknown checklist item 'smile'" },
        { """{"upsell":false,"reaction":"accepted"}""", "reaction", "reaction must be 'none' when upsell is false" },
        { """{"upsell":true,"reaction":"none"}""", "reaction", "reaction must be accepted, declined or undecided when upsell is true" },
        { """{"reaction":"none"}""", "upsell", "upsell is required" },
        { """{"upsell":false,"reaction":"none","note":"NOTE"}""", "note", "note must be at most 1000 characters" },
        { """{"upsell":false,"reaction":"none","offers":[{"category":"warranty"}]}""", "offers", "offers must be empty when upsell is false" },
        { """{"upsell":true,"reaction":"accepted","offers":[{"category":"warranty","turn":0,"item":"premium warranty"}]}""", "offers[0].item", "item must be words of utterance 0 verbatim" },
        { """{"upsell":true,"reaction":"accepted","offers":[{"category":"gadgets"}]}""", "offers[0].category", "category must be one of" },
        { """{"upsell":true,"reaction":"accepted","checklist":[{"itemId":"greeting","met":true},{"itemId":"greeting","met":false}]}""", "checklist[1].itemId", "is given twice" },
    };

    [Theory]
    [MemberData(nameof(InvalidReviews))]
    public async Task An_invalid_review_is_refused_naming_the_field_and_nothing_is_stored(string body, string field, string message)
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        body = body.Replace("NOTE", new string('x', ReviewValidator.MaxNoteLength + 1), StringComparison.Ordinal);
        var before = await CountAsync();
        var response = await admin.PostAsync($"/api/dialogues/{fx.Seed.AcmeDialogue}/review", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, problem.RootElement.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_supervisor_saves_a_review_with_the_dialogue_page_form()
    {
        using var north = await PageClientAsync(SeedData.AcmeNorthSupervisor);
        var id = await BulkDialogueAsync(north, upsell: true);
        var page = await north.GetStringAsync($"/dialogues/{id}");
        Assert.Contains("id=\"review-form\"", page, StringComparison.Ordinal);
        var token = AntiforgeryToken().Match(page).Groups[1].Value;

        var refused = await north.PostAsync($"/dialogues/{id}?handler=Review", Form(token, ("Upsell", "false"), ("Reaction", "declined")));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("reaction must be &#x27;none&#x27; when upsell is false", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var saved = await north.PostAsync($"/dialogues/{id}?handler=Review", Form(
            token, ("Upsell", "true"), ("Reaction", "undecided"), ("ChecklistIds", "greeting"), ("ChecklistMet", "missed"), ("Categories", "warranty"), ("Note", "asked to think about it")));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var shown = await north.GetStringAsync($"/dialogues/{id}");
        Assert.Contains("asked to think about it", shown, StringComparison.Ordinal);
        Assert.Contains("undecided (analyzer: accepted)", shown, StringComparison.Ordinal);

        // Analysts read reviews but get no form, and the handler refuses them.
        using var analyst = await PageClientAsync(SeedData.AcmeAnalyst);
        var readOnly = await analyst.GetStringAsync($"/dialogues/{id}");
        Assert.Contains("asked to think about it", readOnly, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"review-form\"", readOnly, StringComparison.Ordinal);
        var analystToken = AntiforgeryToken().Match(readOnly).Groups[1].Value;
        var before = await CountAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync($"/dialogues/{id}?handler=Review", Form(analystToken, ("Upsell", "false"), ("Reaction", "none")))).StatusCode);
        Assert.Equal(before, await CountAsync());
    }

    /// <summary>A bearer client that keeps cookies (the antiforgery cookie) and shows redirects instead of following them.</summary>
    private async Task<HttpClient> PageClientAsync(string email)
    {
        var user = await fx.Factory.Services.GetRequiredService<AuthStore>().UserByEmailAsync(email, CancellationToken.None);
        var client = fx.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new("Bearer", fx.Factory.Services.GetRequiredService<TokenIssuer>().Issue(user!).Token);
        return client;
    }

    /// <summary>A not yet reviewed bulk dialogue (acme-north) whose seeded upsell answer is <paramref name="upsell"/>.</summary>
    private async Task<Guid> BulkDialogueAsync(HttpClient client, bool upsell)
    {
        var page = await client.GetFromJsonAsync<DialoguePage>($"/api/dialogues?operator=op-carl&reviewed=false&upsell={(upsell ? "true" : "false")}&pageSize=1");
        return page!.Items.Single().DialogueId;
    }

    private static async Task<List<Guid>> IdsAsync(HttpClient client, string query) =>
        [.. (await client.GetFromJsonAsync<DialoguePage>("/api/dialogues?pageSize=100&" + query))!.Items.Select(d => d.DialogueId)];

    private async Task<long> CountAsync()
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        return await c.ExecuteScalarAsync<long>("SELECT count(*) FROM analysis_reviews");
    }

    private static FormUrlEncodedContent Form(string token, params (string Name, string Value)[] fields) =>
        new([new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
