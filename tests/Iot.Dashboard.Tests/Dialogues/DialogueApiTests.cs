using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests.Dialogues;

public sealed class DialogueApiTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task Keyset_pages_visit_every_dialogue_exactly_once_in_order()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var seen = new List<DialogueSummary>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetFromJsonAsync<DialoguePage>("/api/dialogues?pageSize=7&sort=-quality" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page!.Items);
            Assert.True(page.Items.Count <= 7);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 50);

        Assert.Equal(SeedData.AcmeBulkDialogues + 2, seen.Count);
        Assert.Equal(seen.Count, seen.Select(d => d.DialogueId).Distinct().Count());
        Assert.Equal(seen.Select(d => d.QualityScore).OrderByDescending(q => q), seen.Select(d => d.QualityScore));
    }

    [Fact]
    public async Task A_page_size_above_the_maximum_is_refused_with_problem_details()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await client.GetAsync($"/api/dialogues?pageSize={DialogueFilter.MaxPageSize + 1}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("pageSize", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var max = await client.GetFromJsonAsync<DialoguePage>($"/api/dialogues?pageSize={DialogueFilter.MaxPageSize}");
        Assert.Equal(SeedData.AcmeBulkDialogues + 2, max!.Items.Count);
    }

    [Theory]
    [InlineData("sort=started_at;DROP TABLE dialogues")]
    [InlineData("sentiment=happy")]
    [InlineData("qualityMin=80&qualityMax=20")]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("from=yesterday")]
    public async Task Bad_filter_values_get_a_400_problem(string query)
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await client.GetAsync("/api/dialogues?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("q=warranty' OR '1'='1")]
    [InlineData("q='; DROP TABLE dialogues; --")]
    [InlineData("device=acme-d1' OR '1'='1")]
    [InlineData("operator=x\"); DELETE FROM dialogues; --")]
    [InlineData("branch=%25")]
    public async Task Sql_injection_looking_filter_values_are_harmless(string query)
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await client.GetAsync("/api/dialogues?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<DialoguePage>();
        Assert.DoesNotContain(page!.Items, d => d.DialogueId == fx.Seed.GlobexDialogue);
        Assert.True(page.Items.Count <= 1, "an injected OR must not widen the filter");
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(SeedData.AcmeBulkDialogues + 3, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM dialogues"));
    }

    [Fact]
    public async Task Filters_select_exactly_the_matching_dialogues()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        async Task<List<DialogueSummary>> Get(string q) => (await client.GetFromJsonAsync<DialoguePage>("/api/dialogues?pageSize=100&" + q))!.Items.ToList();

        Assert.Equal([fx.Seed.AcmeSouthDialogue], (await Get("branch=acme-south")).Select(d => d.DialogueId));
        Assert.Equal([fx.Seed.AcmeSouthDialogue], (await Get("device=acme-d2")).Select(d => d.DialogueId));
        Assert.Equal([fx.Seed.AcmeDialogue], (await Get("operator=op-anna")).Select(d => d.DialogueId));
        Assert.All(await Get("upsell=false"), d => Assert.False(d.UpsellAttempted));
        Assert.All(await Get("upsell=true"), d => Assert.True(d.UpsellAttempted));
        var mid = await Get("qualityMin=40&qualityMax=60");
        Assert.Equal(11, mid.Count);
        Assert.All(mid, d => Assert.InRange(d.QualityScore!.Value, 40, 60));
        Assert.Equal([fx.Seed.AcmeSouthDialogue], (await Get("sentiment=negative")).Select(d => d.DialogueId));
        var day = await Get("from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z");
        Assert.Equal(2, day.Count);
        Assert.Equal([fx.Seed.AcmeDialogue], (await Get("q=premium%20warranty")).Select(d => d.DialogueId));
        Assert.Empty(await Get("q=warranty%20refund"));
    }

    [Fact]
    public async Task The_detail_has_utterances_analysis_evidence_checklist_and_audio_segments()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var detail = await client.GetFromJsonAsync<DialogueDetail>($"/api/dialogues/{fx.Seed.AcmeDialogue}");
        Assert.Equal(3, detail!.Transcript!.Utterances.Count);
        Assert.Equal(2500, detail.Transcript.Utterances[1].StartMs);
        Assert.Equal(87, detail.Analysis!.QualityScore);
        Assert.Equal(SeedData.EvidenceQuote, Assert.Single(detail.Analysis.Evidence).Quote);
        Assert.Equal([true, true, false], detail.Analysis.Checklist.Select(c => c.Met));
        var segment = Assert.Single(detail.Segments);
        Assert.Equal($"/api/chunks/{fx.Seed.AcmeChunk}/audio", segment.AudioUrl);
    }

    [Fact]
    public async Task Word_times_the_pipeline_stores_reach_the_detail_view_intact()
    {
        // Written exactly as the pipeline's TranscriptStore writes transcripts.utterances (the shared RecordJson).
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var dialogue = await c.ExecuteScalarAsync<Guid>(
            "SELECT dialogue_id FROM dialogues WHERE tenant_id = 'acme' AND deleted_at IS NULL AND dialogue_id NOT IN (SELECT dialogue_id FROM transcripts) ORDER BY dialogue_id LIMIT 1");
        Utterance[] utterances =
        [
            new(0, 1_200, "good morning", [new(0, 500, "good"), new(520, 1_200, "morning")]),
            new(1_400, 2_000, "thanks"),
        ];
        await c.ExecuteAsync(
            "INSERT INTO transcripts (dialogue_id, engine, language, text, utterances) VALUES (@dialogue, 'whisper', 'en', 'good morning thanks', @json::jsonb)",
            new { dialogue, json = RecordJson.SerializeUtterances(utterances) });

        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var detail = await client.GetFromJsonAsync<DialogueDetail>($"/api/dialogues/{dialogue}");

        var read = detail!.Transcript!.Utterances;
        Assert.Equal([(0, 500, "good"), (520, 1_200, "morning")], read[0].Words!.Select(w => (w.StartMs, w.EndMs, w.Text)));
        Assert.Null(read[1].Words);
        Assert.Equal(utterances.Select(u => (u.StartMs, u.EndMs, u.Text)), read.Select(u => (u.StartMs, u.EndMs, u.Text)));
    }

    [Fact]
    public async Task A_range_request_returns_206_with_exactly_those_bytes()
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        foreach (var path in new[] { $"/api/chunks/{fx.Seed.AcmeChunk}/audio", $"/api/dialogues/{fx.Seed.AcmeDialogue}/audio", $"/api/audio/2026-11-20/{SeedData.AcmeTransaction}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Range = new RangeHeaderValue(100, 1123);
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal("audio/ogg", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(fx.Seed.AcmeAudio.Length, response.Content.Headers.ContentRange!.Length);
            Assert.Equal(fx.Seed.AcmeAudio[100..1124], await response.Content.ReadAsByteArrayAsync());
        }

        var whole = await client.GetByteArrayAsync($"/api/chunks/{fx.Seed.AcmeChunk}/audio");
        Assert.Equal(fx.Seed.AcmeAudio, whole);
        Assert.Equal("OggS", System.Text.Encoding.ASCII.GetString(whole, 0, 4));
    }

    [Fact]
    public async Task Soft_delete_needs_a_reason_hides_the_dialogue_and_an_admin_restores_it_with_audit_rows()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var id = fx.Seed.AcmeSouthDialogue;

        using (var noReason = new HttpRequestMessage(HttpMethod.Delete, $"/api/dialogues/{id}") { Content = JsonContent.Create(new { reason = " " }) })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await admin.SendAsync(noReason)).StatusCode);
        }

        using (var byAnalyst = new HttpRequestMessage(HttpMethod.Delete, $"/api/dialogues/{id}") { Content = JsonContent.Create(new { reason = "customer asked" }) })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await analyst.SendAsync(byAnalyst)).StatusCode);
        }

        using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/dialogues/{id}") { Content = JsonContent.Create(new { reason = "customer asked" }) })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(delete)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"/api/dialogues/{id}")).StatusCode);
        Assert.DoesNotContain((await analyst.GetFromJsonAsync<DialoguePage>("/api/dialogues?pageSize=100"))!.Items, d => d.DialogueId == id);
        Assert.Contains((await admin.GetFromJsonAsync<DialoguePage>("/api/dialogues?deleted=true"))!.Items, d => d.DialogueId == id && d.DeleteReason == "customer asked");
        Assert.Equal(HttpStatusCode.BadRequest, (await analyst.GetAsync("/api/dialogues?deleted=true")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/dialogues/{id}/restore", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync($"/api/dialogues/{id}")).StatusCode);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var audit = (await c.QueryAsync<(string Action, string Actor)>("SELECT action, actor FROM audit_log WHERE target = @t ORDER BY audit_id", new { t = id.ToString() })).ToList();
        Assert.Equal([("dialogue-deleted", SeedData.AcmeAdmin), ("dialogue-restored", SeedData.AcmeAdmin)], audit);
    }

    [Fact]
    public async Task A_deleted_dialogues_audio_is_withdrawn_by_every_route()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var routes = new[] { $"/api/dialogues/{fx.Seed.AcmeDialogue}/audio", $"/api/chunks/{fx.Seed.AcmeChunk}/audio", $"/api/audio/2026-11-20/{SeedData.AcmeTransaction}" };
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/dialogues/{fx.Seed.AcmeDialogue}") { Content = JsonContent.Create(new { reason = "recorded by mistake" }) })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(delete)).StatusCode);
        }

        try
        {
            foreach (var route in routes)
            {
                Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync(route)).StatusCode);
            }
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/dialogues/{fx.Seed.AcmeDialogue}/restore", null)).StatusCode);
        }

        foreach (var route in routes)
        {
            Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync(route)).StatusCode);
        }
    }

    [Fact]
    public async Task Restoring_needs_a_deleted_dialogue()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/dialogues/{fx.Seed.AcmeDialogue}/restore", null)).StatusCode);
    }
}
