using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Dashboard.Settings;
using Iot.Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Iot.Dashboard.Tests.Settings;

/// <summary>
/// Issue 16 item 6 over HTTP against real PostgreSQL: versioned, validated, audited profile saves; the "try it" box;
/// re-analysis of a period (enqueued once per dialogue and version, run by the real handler); and who may do what.
/// Tests in one class run one after another, so each counts versions relative to what it found.
/// </summary>
public sealed class AnalysisProfileApiTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    private const string Api = "/api/settings/analysis-profile";
    private const string CustomFrame = "blorp {item}";
    private const string TrialText = "S: Hello, welcome in.\nC: Hi, I need a phone case.\nS: Blorp a screen protector, mate?\nC: Yes please.";

    [Fact]
    public async Task Saving_a_valid_profile_adds_a_version_with_author_and_an_audit_row()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var before = await VersionsAsync(admin);

        using var response = await admin.PutAsJsonAsync(Api, new { profile = WithCustomFrame(), note = "add the blorp frame" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var saved = await response.Content.ReadFromJsonAsync<ProfileVersionSummary>();
        Assert.Equal(SeedData.AcmeAdmin, saved!.Author);

        var after = await VersionsAsync(admin);
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Equal(saved.Version, after[0].Version);
        var current = await admin.GetFromJsonAsync<ProfileView>(Api);
        Assert.Equal(saved.Version, current!.Version);
        Assert.Contains(CustomFrame, current.Profile.GetRawText(), StringComparison.Ordinal);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(1, await c.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM audit_log WHERE tenant_id = 'acme' AND action = 'analysis-profile-saved' AND target = @target AND actor = @actor",
            new { target = $"analysis_profile_versions/{saved.Version}", actor = SeedData.AcmeAdmin }));

        // The pipeline reads tenant_settings: it now holds this version.
        Assert.Equal(saved.Version, await c.ExecuteScalarAsync<int>("SELECT analysis_profile_version FROM tenant_settings WHERE tenant_id = 'acme'"));
    }

    [Fact]
    public async Task An_invalid_offer_frame_is_refused_naming_the_entry_and_nothing_is_stored()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var before = await VersionsAsync(admin);
        var audits = await AuditCountAsync();
        var profile = WithFrames(["would you like {item}", "would you like"]);

        using var response = await admin.PutAsJsonAsync(Api, new { profile, note = "broken" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("languages.en.offerFrames[1]", body, StringComparison.Ordinal);
        Assert.Contains("exactly one {item} slot", body, StringComparison.Ordinal);
        Assert.Equal(before.Count, (await VersionsAsync(admin)).Count);
        Assert.Equal(audits, await AuditCountAsync());

        // The page shows the same message inline, next to the editor.
        var page = await PostPageAsync(admin, "Save", new() { ["Draft"] = JsonSerializer.Serialize(profile) });
        Assert.Contains("languages.en.offerFrames[1]", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_editor_saves_one_languages_lists_as_a_version_and_names_a_bad_frame()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var before = await VersionsAsync(admin);
        var lists = new Dictionary<string, string>
        {
            ["Language"] = "en",
            ["OfferFrames"] = "would you like {item}\nblorp {item}",
            ["Categories"] = "warranty: warranty, cover\naccessories: case, screen protector",
            ["Accept"] = "yes\nsure",
            ["Decline"] = "no\nno thanks",
            ["Hedges"] = "",
            ["CustomerCues"] = "",
            ["Purchase"] = "i'll take it\nhow much is",
            ["Note"] = "lists",
        };
        await PostPageAsync(admin, "SaveLists", new(lists));
        var current = await admin.GetFromJsonAsync<ProfileView>(Api);
        Assert.Equal(before.Count + 1, (await VersionsAsync(admin)).Count);
        var en = current!.Profile.GetProperty("languages").GetProperty("en");
        Assert.Equal(["would you like {item}", "blorp {item}"], en.GetProperty("offerFrames").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, en.GetProperty("hedges").ValueKind);
        Assert.Equal(["i'll take it", "how much is"], en.GetProperty("purchase").EnumerateArray().Select(e => e.GetString()));

        // The editor shows the saved purchase cues back in their own box.
        var shown = await admin.GetStringAsync("/settings/analysis-profile");
        Assert.Matches("<textarea name=\"Purchase\"[^>]*>i[^<]*ll take it[^<]*how much is</textarea>", shown);
        Assert.Equal(2, en.GetProperty("upsellOffers").GetProperty("accessories").GetArrayLength());

        lists["OfferFrames"] = "would you like {item}\nblorp";
        var page = await PostPageAsync(admin, "SaveLists", new(lists));
        Assert.Contains("languages.en.offerFrames[1]", page, StringComparison.Ordinal);
        Assert.Equal(before.Count + 1, (await VersionsAsync(admin)).Count);
    }

    [Fact]
    public async Task Try_it_finds_an_offer_with_the_tenants_custom_frame_and_not_with_the_built_in_profile()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var builtIn = await TryAsync(admin, new { language = "en", text = TrialText, profile = Parse(BuiltInProfiles.Default.ToJson()) });
        Assert.False(builtIn.UpsellAttempted);
        Assert.Empty(builtIn.Frames);

        var draft = await TryAsync(admin, new { language = "en", text = TrialText, profile = WithCustomFrame() });
        Assert.True(draft.UpsellAttempted);
        var fired = Assert.Single(draft.Frames);
        Assert.Equal(CustomFrame, fired.Frame);
        Assert.True(fired.FromProfile);
        Assert.Equal(3, fired.Line);
        Assert.Contains(draft.Evidence, e => e.Claim == "upsell" && draft.Text.Contains(e.Quote, StringComparison.Ordinal) && e.Quote.Contains("screen protector", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(ProfileTrial.EngineVersion, draft.EngineVersion);

        // Saved, the frame works without a draft too, and the result names the version; the page shows the evidence.
        using (var saved = await admin.PutAsJsonAsync(Api, new { profile = WithCustomFrame(), note = "try-it test" }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        var current = await TryAsync(admin, new { language = "en", text = TrialText });
        Assert.True(current.UpsellAttempted);
        Assert.Equal((await VersionsAsync(admin))[0].Version, current.ProfileVersion);
        var page = await PostPageAsync(admin, "Try", new() { ["Draft"] = JsonSerializer.Serialize(WithCustomFrame()), ["TryLanguage"] = "en", ["TryText"] = TrialText });
        Assert.Contains("<code>blorp {item}</code>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reanalysing_a_period_enqueues_each_dialogue_in_range_once_and_results_carry_the_new_profile_version()
    {
        var day = SeedData.Day.AddDays(3);
        var inRange = new[] { Guid.CreateVersion7(), Guid.CreateVersion7() };
        var outOfRange = Guid.CreateVersion7();
        var foreign = Guid.CreateVersion7();
        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            await TranscribedDialogueAsync(c, inRange[0], SeedData.Acme, "acme-north", "acme-d1", day.AddHours(9));
            await TranscribedDialogueAsync(c, inRange[1], SeedData.Acme, "acme-south", "acme-d2", day.AddHours(23).AddMinutes(59));
            await TranscribedDialogueAsync(c, outOfRange, SeedData.Acme, "acme-north", "acme-d1", day.AddDays(1));
            await TranscribedDialogueAsync(c, foreign, SeedData.Globex, "globex-main", "globex-d1", day.AddHours(10));
        }

        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        using (var saved = await admin.PutAsJsonAsync(Api, new { profile = WithCustomFrame(), note = "before re-analysis" }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        var version = (await VersionsAsync(admin))[0].Version;
        var period = new { from = day, to = day.AddDays(1) };
        var first = await ReanalyseAsync(admin, period);
        Assert.Equal((2, 2, version), (first.Added, first.InRange, first.ProfileVersion));
        var again = await ReanalyseAsync(admin, period);
        Assert.Equal((0, 2, (long?)null), (again.Added, again.InRange, again.RunId));

        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            var queued = (await c.QueryAsync<string>("SELECT payload ->> 'dialogueId' FROM jobs WHERE kind = 'reanalyze' AND priority = @p", new { p = JobPriority.Backfill })).ToList();
            Assert.Equal(inRange.Select(i => i.ToString()).Order(), queued.Order());
        }

        await RunReanalyzeJobsAsync();

        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            var results = (await c.QueryAsync<(Guid Id, string Engine, int? Version, bool Upsell)>(
                "SELECT dialogue_id, engine, profile_version, upsell_attempted FROM analyses WHERE dialogue_id = ANY(@ids)",
                new { ids = inRange.Append(outOfRange).Append(foreign).ToArray() })).ToDictionary(r => r.Id);
            foreach (var id in inRange)
            {
                Assert.Equal((ProfileTrial.EngineVersion, (int?)version, true), (results[id].Engine, results[id].Version, results[id].Upsell));
            }

            Assert.Null(results[outOfRange].Version);
            Assert.Null(results[foreign].Version);
        }

        var runs = await admin.GetFromJsonAsync<List<ReanalysisRun>>("/api/settings/reanalysis");
        var run = runs!.Single(r => r.RunId == first.RunId);
        Assert.Equal((2, 2, 0, 0), (run.Total, run.Done, run.Failed, run.Pending));
        Assert.Contains($"{run.Done} / {run.Total}", await admin.GetStringAsync("/settings/analysis-profile"), StringComparison.Ordinal);

        // Another tenant's admin re-analysing the same period reaches only its own dialogue.
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        var theirs = await ReanalyseAsync(globex, period);
        Assert.Equal((1, 1), (theirs.Added, theirs.InRange));
        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            Assert.Equal(2, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM jobs WHERE kind = 'reanalyze' AND payload ->> 'dialogueId' = ANY(@ids)", new { ids = inRange.Select(i => i.ToString()).ToArray() }));
        }
    }

    [Fact]
    public async Task Another_tenants_admin_and_roles_without_the_right_cannot_read_or_change_this_tenants_profile()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        using (var saved = await admin.PutAsJsonAsync(Api, new { profile = WithCustomFrame(), note = "acme only" }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        var acmeVersions = (await VersionsAsync(admin)).Count;
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        var theirs = await globex.GetFromJsonAsync<ProfileView>(Api);
        Assert.DoesNotContain(CustomFrame, theirs!.Profile.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(await VersionsAsync(globex), v => v.Note == "acme only");
        using (var write = await globex.PutAsJsonAsync(Api, new { profile = Parse(BuiltInProfiles.Default.ToJson()), note = "globex's own" }))
        {
            Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        }

        Assert.Equal(acmeVersions, (await VersionsAsync(admin)).Count);
        Assert.Contains(CustomFrame, (await admin.GetFromJsonAsync<ProfileView>(Api))!.Profile.GetRawText(), StringComparison.Ordinal);

        foreach (var email in new[] { SeedData.AcmeAnalyst, SeedData.AcmeTechnician })
        {
            using var client = await fx.ClientAsAsync(email);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Api)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync(Api, new { profile = WithCustomFrame() })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync(Api + "/try", new { language = "en", text = "hi" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/settings/reanalysis", new { from = SeedData.Day, to = SeedData.Day.AddDays(1) })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/settings/analysis-profile")).StatusCode);
        }

        // A supervisor reads and tries (it coaches the sellers) but neither saves nor re-analyses.
        using var supervisor = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync(Api)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync(Api + "/try", new { language = "en", text = TrialText })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PutAsJsonAsync(Api, new { profile = WithCustomFrame() })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsJsonAsync("/api/settings/reanalysis", new { from = SeedData.Day, to = SeedData.Day.AddDays(1) })).StatusCode);
        Assert.Equal(acmeVersions, (await VersionsAsync(admin)).Count);
    }

    [Fact]
    public async Task Oversized_or_out_of_bounds_input_is_refused_with_a_clear_error()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var huge = new string('x', AnalysisProfileEndpoints.MaxBodyBytes);
        using var tooBig = await admin.PutAsJsonAsync(Api, new { profile = WithCustomFrame(), note = huge });
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Contains($"at most {AnalysisProfileEndpoints.MaxBodyBytes} bytes", await tooBig.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var longText = await admin.PostAsJsonAsync(Api + "/try", new { language = "en", text = new string('a', ProfileTrial.MaxTextChars + 1) });
        Assert.Equal(HttpStatusCode.BadRequest, longText.StatusCode);
        Assert.Contains($"at most {ProfileTrial.MaxTextChars} characters", await longText.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var unknownLanguage = await admin.PostAsJsonAsync(Api + "/try", new { language = "xx", text = "hello" });
        Assert.Contains("language 'xx' is not in the profile", await unknownLanguage.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var longNote = await admin.PutAsJsonAsync(Api, new { profile = WithCustomFrame(), note = new string('n', AnalysisProfileService.MaxNoteChars + 1) });
        Assert.Contains("note must be at most", await longNote.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var longPeriod = await admin.PostAsJsonAsync("/api/settings/reanalysis", new { from = SeedData.Day, to = SeedData.Day.AddDays(40) });
        Assert.Equal(HttpStatusCode.BadRequest, longPeriod.StatusCode);
        Assert.Contains($"at most {ReanalysisService.MaxDays} days", await longPeriod.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static JsonElement WithCustomFrame() =>
        WithFrames([.. BuiltInProfiles.Default.Languages["en"].OfferFrames ?? [], CustomFrame]);

    /// <summary>The built-in profile with English offer frames replaced.</summary>
    private static JsonElement WithFrames(IReadOnlyList<string> frames)
    {
        var languages = new Dictionary<string, LanguagePhrases>(BuiltInProfiles.Default.Languages, StringComparer.Ordinal)
        {
            ["en"] = BuiltInProfiles.Default.Languages["en"] with { OfferFrames = frames },
        };
        return Parse((BuiltInProfiles.Default with { Languages = languages }).ToJson());
    }

    private static async Task<List<ProfileVersionSummary>> VersionsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<List<ProfileVersionSummary>>(Api + "/versions"))!;

    private static async Task<TryResponse> TryAsync(HttpClient client, object request)
    {
        using var response = await client.PostAsJsonAsync(Api + "/try", request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TryResponse>())!;
    }

    private static async Task<ReanalysisStarted> ReanalyseAsync(HttpClient client, object period)
    {
        using var response = await client.PostAsJsonAsync("/api/settings/reanalysis", period);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ReanalysisStarted>())!;
    }

    /// <summary>Posts the page's form with its antiforgery token, as a browser would; returns the re-rendered page.</summary>
    private static async Task<string> PostPageAsync(HttpClient client, string handler, Dictionary<string, string> fields)
    {
        var html = await client.GetStringAsync("/settings/analysis-profile");
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        fields["__RequestVerificationToken"] = token;
        using var response = await client.PostAsync($"/settings/analysis-profile?handler={handler}", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<int> AuditCountAsync()
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        return await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE tenant_id = 'acme'");
    }

    /// <summary>The pipeline's worker loop for one kind, in-process: claim, handle with the real handler, complete.</summary>
    private async Task RunReanalyzeJobsAsync()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(NpgsqlDataSource.Create(fx.ConnectionString))
            .AddSingleton<PipelineMetrics>()
            .AddSingleton<EvidenceVerifier>()
            .AddSingleton(BuiltInProfiles.Default)
            .AddSingleton<ReanalyzeHandler>()
            .AddSingleton<PostgresJobQueue>()
            .AddAnalysis(new ConfigurationBuilder().Build());
        await using var provider = services.BuildServiceProvider();
        var queue = provider.GetRequiredService<PostgresJobQueue>();
        var handler = provider.GetRequiredService<ReanalyzeHandler>();
        IReadOnlyList<ClaimedJob> jobs;
        while ((jobs = await queue.ClaimAsync("test-worker", 50, TimeSpan.FromMinutes(1), [JobKinds.Reanalyze], CancellationToken.None)).Count > 0)
        {
            foreach (var job in jobs)
            {
                Assert.Equal(JobOutcome.Done, await handler.HandleAsync(job, CancellationToken.None));
                Assert.True(await queue.CompleteAsync(job, "test-worker", CancellationToken.None));
            }
        }
    }

    private static Task TranscribedDialogueAsync(NpgsqlConnection c, Guid id, string tenant, string branch, string device, DateTimeOffset started) =>
        c.ExecuteAsync(
            """
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, started_at, ended_at, speech_ms, status)
            VALUES (@id, @tenant, @branch, @device, @started, @started + interval '10 seconds', 10000, 'analyzed');
            INSERT INTO transcripts (dialogue_id, engine, language, text, utterances) VALUES (@id, 'whisper', 'en', @text, @utterances::jsonb);
            INSERT INTO analyses (dialogue_id, engine, upsell_attempted, customer_reaction, sentiment, sentiment_score, quality_score, summary)
            VALUES (@id, 'rules/2', false, 'none', 'neutral', 0, 10, 'before the profile change');
            """,
            new
            {
                id, tenant, branch, device, started,
                text = "Blorp a screen protector with it? Yes please.",
                utterances = """[{"startMs":0,"endMs":3000,"text":"Blorp a screen protector with it?"},{"startMs":3600,"endMs":5000,"text":"Yes please."}]""",
            });
}
