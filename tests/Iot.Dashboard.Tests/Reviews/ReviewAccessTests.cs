extern alias bench;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.TestSupport;
using Npgsql;
using BenchCorpus = bench::Iot.Bench.Analysis.CorpusDialogue;

namespace Iot.Dashboard.Tests.Reviews;

/// <summary>Who may write and read reviews, and the labelled-data export read back with the analysis bench's own loader.</summary>
public sealed class ReviewAccessTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    private static readonly object Review = new { upsell = false, reaction = "none", note = "probe" };

    [Fact]
    public async Task Another_tenant_another_branch_an_analyst_and_a_forged_id_cannot_review_and_nothing_is_stored()
    {
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        using var north = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        using var tech = await fx.ClientAsAsync(SeedData.AcmeTechnician);
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var before = await ReviewCountAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsJsonAsync($"/api/dialogues/{fx.Seed.AcmeDialogue}/review", Review)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await north.PostAsJsonAsync($"/api/dialogues/{fx.Seed.AcmeSouthDialogue}/review", Review)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsJsonAsync($"/api/dialogues/{fx.Seed.AcmeDialogue}/review", Review)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tech.PostAsJsonAsync($"/api/dialogues/{fx.Seed.AcmeDialogue}/review", Review)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/api/dialogues/{Guid.CreateVersion7()}/review", Review)).StatusCode);
        Assert.Equal(before, await ReviewCountAsync());

        // Reading: the tenant's readers only, and a branch supervisor only in its branches.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"/api/dialogues/{fx.Seed.AcmeSouthDialogue}/review", Review)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync($"/api/dialogues/{fx.Seed.AcmeSouthDialogue}/review")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync($"/api/dialogues/{fx.Seed.AcmeSouthDialogue}/review")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"/api/dialogues/{fx.Seed.AcmeSouthDialogue}/review")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tech.GetAsync($"/api/dialogues/{fx.Seed.AcmeSouthDialogue}/review")).StatusCode);
        var northList = await north.GetStringAsync("/api/dialogues?reviewed=true&pageSize=100");
        Assert.DoesNotContain(fx.Seed.AcmeSouthDialogue.ToString(), northList, StringComparison.Ordinal);

        // The labelled-data export is for reviewers only.
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/reviews/export.jsonl")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tech.GetAsync("/api/reviews/export.jsonl")).StatusCode);
    }

    [Fact]
    public async Task The_export_is_one_corpus_line_per_reviewed_dialogue_that_the_bench_loader_reads()
    {
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        var saved = await globex.PostAsJsonAsync($"/api/dialogues/{fx.Seed.GlobexDialogue}/review", new
        {
            upsell = true,
            reaction = "accepted",
            offers = new object[] { new { category = "warranty", turn = 1, item = "premium warranty" }, new { category = "accessories" } },
            checklist = new[] { new { itemId = "farewell", met = true } },
            sentiment = "positive",
            note = "private remark that must not leave",
        });
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);

        var response = await globex.GetAsync("/api/reviews/export.jsonl");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.DoesNotContain("private remark", line, StringComparison.Ordinal);
        Assert.DoesNotContain(SeedData.GlobexAdmin, line, StringComparison.Ordinal);

        using var temp = new TempDirectory("iot-review-export");
        var file = Path.Combine(temp.Path, "en.jsonl");
        await File.WriteAllTextAsync(file, text);
        var dialogue = Assert.Single(BenchCorpus.Load(file));
        Assert.Equal<(string, string, string?, string, string?)>(($"en-r-{fx.Seed.GlobexDialogue:n}", "en", "latn", "review", "review"), (dialogue.Id, dialogue.Lang, dialogue.Script, dialogue.Split, dialogue.Family));
        Assert.Equal(["hello and welcome to the store", "would you like our premium warranty today", "yes please that sounds good"], dialogue.Turns.Select(t => t.Text));
        Assert.All(dialogue.Turns, t => Assert.Equal("unknown", t.Speaker));
        Assert.Equal([0, 0, 0], dialogue.Turns.Select(t => t.PauseBeforeMs));
        Assert.Equal((true, "accepted", "positive"), (dialogue.Labels.Upsell, dialogue.Labels.Reaction, dialogue.Labels.Sentiment));
        var offer = Assert.Single(dialogue.Labels.Offers!);
        Assert.Equal((1, "premium warranty", "warranty"), (offer.Turn, offer.Item, offer.Category));
        Assert.Contains(offer.Item, dialogue.Turns[offer.Turn].Text, StringComparison.Ordinal);

        // What the bench feeds its analyzer: one utterance per turn, the reviewed dialogue's words.
        Assert.Equal(dialogue.Turns.Select(t => t.Text), dialogue.ToTranscript().Utterances.Select(u => u.Text));

        // Fields the bench does not read, checked on the raw line.
        using var json = JsonDocument.Parse(line);
        Assert.Equal("review", json.RootElement.GetProperty("source").GetString());
        Assert.Equal("review", json.RootElement.GetProperty("review").GetProperty("sentimentSource").GetString());
        Assert.Equal(["warranty", "accessories"], json.RootElement.GetProperty("review").GetProperty("offeredCategories").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("farewell", json.RootElement.GetProperty("labels").GetProperty("checklist")[0].GetProperty("itemId").GetString());

        // Acme's export holds none of Globex's reviews; each export is audited.
        using var acme = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        Assert.DoesNotContain(fx.Seed.GlobexDialogue.ToString("n"), await acme.GetStringAsync("/api/reviews/export.jsonl"), StringComparison.Ordinal);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE tenant_id = 'globex' AND action = 'export' AND target = 'reviews' AND details->>'format' = 'jsonl'"));
    }

    private async Task<long> ReviewCountAsync()
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        return await c.ExecuteScalarAsync<long>("SELECT count(*) FROM analysis_reviews");
    }
}
