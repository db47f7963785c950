using System.Net;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.Provisioning.Api;
using Npgsql;

namespace Iot.Dashboard.Tests.Jobs;

/// <summary>
/// <c>/api/jobs</c> through the bridge's operator API (the fixture's real bridge): what each role sees of the queue and
/// may do to it, the bounded retry-all, audit rows, and hostile input.
/// </summary>
public sealed class JobsApiTests(DashboardFixture fx) : IClassFixture<DashboardFixture>, IAsyncLifetime
{
    private SeedJobs _jobs = null!;

    public async Task InitializeAsync() => _jobs = await SeedJobs.WriteAsync(fx.ConnectionString, fx.Seed);

    public async Task DisposeAsync()
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        await c.ExecuteAsync("DELETE FROM jobs; DELETE FROM audit_log WHERE action LIKE 'job%'");
    }

    [Fact]
    public async Task An_admin_sees_only_their_tenants_jobs_with_depth_counted_over_them_alone()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var view = (await admin.GetFromJsonAsync<JobsView>("/api/jobs"))!;

        Assert.Equal([_jobs.AcmeNorthDead, _jobs.AcmeSouthDead], view.Dead.Select(j => j.JobId).Order());
        Assert.Equal(SeedJobs.NorthError, view.Dead.Single(j => j.JobId == _jobs.AcmeNorthDead).LastError);
        Assert.Equal("worker-7", view.Running.Single().LockedBy);
        Assert.NotNull(view.Running.Single().LeaseUntil);
        Assert.Equal("no analyzer configured", view.Waiting.Single().WaitReason);
        Assert.Equal(2, view.Depth.Single(d => d.Kind == "transcribe" && d.Status == "dead").Count);
        Assert.DoesNotContain(view.Depth, d => d.Kind == "retention");
        Assert.All(view.Dead.Concat(view.Running).Concat(view.Waiting), j => Assert.Equal(SeedData.Acme, j.TenantId));
    }

    [Fact]
    public async Task A_branch_supervisor_reads_only_their_branches_jobs_and_cannot_act_and_an_analyst_cannot_look()
    {
        using var supervisor = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        var view = (await supervisor.GetFromJsonAsync<JobsView>("/api/jobs"))!;
        Assert.Equal([_jobs.AcmeNorthDead], view.Dead.Select(j => j.JobId));
        Assert.Empty(view.Running);
        Assert.Equal(1, view.Depth.Single(d => d.Kind == "transcribe" && d.Status == "dead").Count);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsync($"/api/jobs/{_jobs.AcmeNorthDead}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsJsonAsync($"/api/jobs/{_jobs.AcmeNorthQueued}/cancel", new { reason = "x" })).StatusCode);

        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/jobs")).StatusCode);
        Assert.Equal("dead", await StatusAsync(_jobs.AcmeNorthDead));
    }

    [Fact]
    public async Task Retrying_a_dead_job_queues_it_now_with_fresh_attempts_and_audits_the_acting_admin()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await admin.PostAsync($"/api/jobs/{_jobs.AcmeNorthDead}/retry", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(
            "queued:0:true:true",
            await c.ExecuteScalarAsync<string>("SELECT status || ':' || attempts || ':' || (run_after <= now())::text || ':' || (finished_at IS NULL)::text FROM jobs WHERE job_id = @id", new { id = _jobs.AcmeNorthDead }));
        var audit = await c.QuerySingleAsync<(string Actor, string Tenant, string Via, string Ids)>(
            "SELECT actor, tenant_id, details ->> 'via', details ->> 'jobIds' FROM audit_log WHERE action = 'job-retried' AND target = @t",
            new { t = _jobs.AcmeNorthDead.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal((SeedData.AcmeAdmin, SeedData.Acme, "dashboard", $"[{_jobs.AcmeNorthDead}]"), audit);

        var again = await admin.PostAsync($"/api/jobs/{_jobs.AcmeNorthDead}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("only a dead job can be retried", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_waiting_job_ends_it_with_the_reason_and_a_running_one_is_refused()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/jobs/{_jobs.AcmeNorthWaiting}/cancel", new { reason = "dialogue was a test call" })).StatusCode);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(
            "done:dialogue was a test call:admin@acme.test",
            await c.ExecuteScalarAsync<string>("SELECT status || ':' || cancel_reason || ':' || cancelled_by FROM jobs WHERE job_id = @id", new { id = _jobs.AcmeNorthWaiting }));
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE action = 'job-cancelled' AND details ->> 'reason' = 'dialogue was a test call'"));

        var running = await admin.PostAsJsonAsync($"/api/jobs/{_jobs.AcmeSouthRunning}/cancel", new { reason = "x" });
        Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);
        Assert.Equal("running", await StatusAsync(_jobs.AcmeSouthRunning));
    }

    [Fact]
    public async Task Retry_all_of_a_kind_is_refused_whole_above_max_and_stays_inside_the_tenant()
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var refused = await admin.PostAsJsonAsync("/api/jobs/retry-kind", new { kind = "transcribe", max = 1 });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("2 dead 'transcribe' jobs; at most 1", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("dead", await StatusAsync(_jobs.AcmeNorthDead));

        var result = (await (await admin.PostAsJsonAsync("/api/jobs/retry-kind", new { kind = "transcribe", max = 10 })).Content.ReadFromJsonAsync<JobActionResult>())!;
        Assert.Equal([_jobs.AcmeNorthDead, _jobs.AcmeSouthDead], result.JobIds);
        Assert.Equal("dead", await StatusAsync(_jobs.GlobexDead));
        Assert.Equal("dead", await StatusAsync(_jobs.PlatformDead));
    }

    [Fact]
    public async Task Another_tenants_job_is_not_found_for_reading_retrying_or_cancelling()
    {
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        var view = (await globex.GetFromJsonAsync<JobsView>("/api/jobs"))!;
        Assert.Equal([_jobs.GlobexDead], view.Dead.Select(j => j.JobId));
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsync($"/api/jobs/{_jobs.AcmeNorthDead}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsJsonAsync($"/api/jobs/{_jobs.AcmeNorthWaiting}/cancel", new { reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsync($"/api/jobs/{_jobs.PlatformDead}/retry", null)).StatusCode);
        Assert.Equal("dead", await StatusAsync(_jobs.AcmeNorthDead));
        Assert.Equal("waiting", await StatusAsync(_jobs.AcmeNorthWaiting));
    }

    [Theory]
    [InlineData("/api/jobs/abc/retry", null, "id")]
    [InlineData("/api/jobs/-1/retry", null, "id")]
    [InlineData("/api/jobs/99999999999999999999999/cancel", "{}", "id")]
    [InlineData("/api/jobs/retry-kind", """{"kind":"Transcribe'; DROP TABLE jobs;--"}""", "kind")]
    [InlineData("/api/jobs/retry-kind", """{"kind":"transcribe","max":100000}""", "max")]
    [InlineData("/api/jobs/retry-kind", """{"max":5}""", "kind")]
    public async Task Hostile_input_is_a_400_naming_the_field(string path, string? body, string field)
    {
        using var admin = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        using var content = body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await admin.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string?> StatusAsync(long jobId)
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        return await c.ExecuteScalarAsync<string>("SELECT status FROM jobs WHERE job_id = @jobId", new { jobId });
    }
}
