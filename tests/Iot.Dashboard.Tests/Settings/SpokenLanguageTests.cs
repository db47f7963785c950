using System.Net;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Overview;
using Iot.Dashboard.Settings;
using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests.Settings;

/// <summary>
/// Issue 16 item 9 on the dashboard: spoken languages per tenant and branch, why a dialogue waits, and unsure
/// transcripts kept out of the overview's figures. Each route is probed from another tenant, branch and role.
/// </summary>
public sealed class SpokenLanguageTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    private const string Period = "from=2026-11-18&to=2026-11-22";

    [Fact]
    public async Task A_tenant_admin_sets_the_tenant_languages_and_a_bad_code_is_refused_naming_it()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var current = (await admin.GetFromJsonAsync<TenantSettingsView>("/api/settings"))!;

        var saved = await admin.PutAsJsonAsync("/api/settings", new { current.TimeZone, spokenLanguages = new[] { "ru, uz", "ru" } });
        var bad = await admin.PutAsJsonAsync("/api/settings", new { current.TimeZone, spokenLanguages = new[] { "ru", "klingon" } });

        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        Assert.Equal(["ru", "uz"], (await admin.GetFromJsonAsync<TenantSettingsView>("/api/settings"))!.SpokenLanguages!);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("spokenLanguages[1] 'klingon' is not a language code", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["ru", "uz"], (await admin.GetFromJsonAsync<TenantSettingsView>("/api/settings"))!.SpokenLanguages!);
    }

    [Fact]
    public async Task Branch_languages_are_set_by_an_admin_of_the_tenant_only()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        using var supervisor = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync("/api/settings/branches/acme-north", new { spokenLanguages = new[] { "tr", "az" } })).StatusCode);

        var list = (await admin.GetFromJsonAsync<List<BranchLanguagesView>>("/api/settings/branches"))!;
        Assert.Equal(["tr", "az"], list.Single(b => b.BranchId == "acme-north").SpokenLanguages!);
        Assert.Null(list.Single(b => b.BranchId == "acme-south").SpokenLanguages);
        Assert.DoesNotContain(list, b => b.BranchId == "globex-main");

        // Probes: another tenant's admin, a supervisor, and a branch of another tenant.
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PutAsJsonAsync("/api/settings/branches/acme-north", new { spokenLanguages = new[] { "en" } })).StatusCode);
        Assert.DoesNotContain((await globex.GetFromJsonAsync<List<BranchLanguagesView>>("/api/settings/branches"))!, b => b.BranchId.StartsWith("acme", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PutAsJsonAsync("/api/settings/branches/acme-north", new { spokenLanguages = new[] { "en" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/settings/branches/globex-main", new { spokenLanguages = new[] { "en" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/settings/branches/acme-north", new { spokenLanguages = new[] { "<b>x</b>" } })).StatusCode);
        Assert.Equal(["tr", "az"], (await BranchRowAsync("acme-north"))!);
        Assert.Null(await BranchRowAsync("globex-main"));

        // An empty list clears the branch's own setting.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync("/api/settings/branches/acme-north", new { spokenLanguages = Array.Empty<string>() })).StatusCode);
        Assert.Null(await BranchRowAsync("acme-north"));
    }

    [Fact]
    public async Task A_flagged_transcript_is_shown_marked_filtered_and_left_out_of_the_overview()
    {
        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var before = (await analyst.GetFromJsonAsync<OverviewKpis>("/api/overview?" + Period))!;
        const string Why = "recogniser confidence 0.21 is below 0.45";
        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            await c.ExecuteAsync(
                "UPDATE transcripts SET low_confidence = @Why, confidence = 0.21 WHERE dialogue_id = @id; UPDATE analyses SET low_confidence = @Why WHERE dialogue_id = @id; UPDATE dialogues SET updated_at = now() WHERE dialogue_id = @id",
                new { Why, id = fx.Seed.AcmeDialogue });
        }

        var after = (await analyst.GetFromJsonAsync<OverviewKpis>("/api/overview?" + Period))!;
        var detail = (await analyst.GetFromJsonAsync<DialogueDetail>($"/api/dialogues/{fx.Seed.AcmeDialogue}"))!;
        var flagged = (await analyst.GetFromJsonAsync<DialoguePage>("/api/dialogues?flagged=true&pageSize=100"))!;
        var unflagged = (await analyst.GetFromJsonAsync<DialoguePage>("/api/dialogues?flagged=false&pageSize=100"))!;
        var page = await analyst.GetStringAsync($"/dialogues/{fx.Seed.AcmeDialogue}");

        Assert.Equal(before.Analyzed - 1, after.Analyzed);
        Assert.Equal(before.LeftOutUnsure + 1, after.LeftOutUnsure);
        Assert.Equal(before.Dialogues, after.Dialogues);
        Assert.Equal((Why, 0.21f), (detail.Transcript!.Flag, detail.Transcript.Confidence));
        Assert.Equal([fx.Seed.AcmeDialogue], flagged.Items.Select(d => d.DialogueId));
        Assert.DoesNotContain(fx.Seed.AcmeDialogue, unflagged.Items.Select(d => d.DialogueId));
        Assert.Contains("Unsure transcript: " + Why, page, StringComparison.Ordinal);
        Assert.Contains("transcript_flag", await analyst.GetStringAsync("/api/reports/dialogues.csv?flagged=true"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Why_a_dialogue_waits_shows_on_its_page_and_never_for_another_tenant()
    {
        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        const string Reason = "no transcriber for ru, tr: engine 'pocketsphinx' has no model for it";
        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            await c.ExecuteAsync(
                "INSERT INTO jobs (kind, payload, dedup_key, status, wait_reason) VALUES ('transcribe', '{}', @id, 'waiting', @Reason), ('transcribe', '{}', @other, 'waiting', @Reason)",
                new { id = fx.Seed.AcmeSouthDialogue.ToString(), other = fx.Seed.GlobexDialogue.ToString(), Reason });
        }

        var detail = (await analyst.GetFromJsonAsync<DialogueDetail>($"/api/dialogues/{fx.Seed.AcmeSouthDialogue}"))!;
        var page = await analyst.GetStringAsync($"/dialogues/{fx.Seed.AcmeSouthDialogue}");

        var pending = Assert.Single(detail.Pending!);
        Assert.Equal(("transcribe", "waiting", Reason), (pending.Kind, pending.Status, pending.WaitReason));
        Assert.Contains("transcribe waiting</strong>: no transcriber for ru, tr: engine", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"/api/dialogues/{fx.Seed.AcmeSouthDialogue}")).StatusCode);
        Assert.Empty(await PendingAsDashboardAsync(SeedData.Globex, fx.Seed.AcmeSouthDialogue));
        Assert.Single(await PendingAsDashboardAsync(SeedData.Acme, fx.Seed.AcmeSouthDialogue));
    }

    // The function itself, called the way the dashboard's role calls it, for another tenant's dialogue: nothing.
    private async Task<List<string>> PendingAsDashboardAsync(string tenant, Guid dialogue)
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        await c.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await c.ExecuteAsync("SET LOCAL ROLE iot_dashboard_app; SELECT set_config('app.tenant_id', @tenant, true), set_config('app.branches', '*', true)", new { tenant }, tx);
        return [.. await c.QueryAsync<string>("SELECT wait_reason FROM iot_dialogue_pending(@dialogue)", new { dialogue }, tx)];
    }

    private async Task<string[]?> BranchRowAsync(string branch)
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        return await c.QuerySingleOrDefaultAsync<string[]?>("SELECT spoken_languages FROM branch_settings WHERE branch_id = @branch", new { branch });
    }
}
