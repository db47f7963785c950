using Dapper;
using Iot.Provisioning.Storage;
using Iot.Provisioning.Tests.Infrastructure;
using Npgsql;

namespace Iot.Provisioning.Tests.Cli;

/// <summary><c>iotctl jobs</c> as a separate process against a real bridge's operator API (the <c>ops</c> caller, any tenant).</summary>
public sealed class IotctlJobsTests
{
    [Fact]
    public async Task Jobs_list_shows_every_tenants_and_the_platforms_jobs_and_tenant_narrows_it()
    {
        await using var node = await CloudNode.StartAsync(new Dictionary<string, string?> { ["Pipeline:Workers:Enabled"] = "false" });
        var jobs = await JobsSeed.WriteAsync(node);

        var all = await Iotctl.RunAsync(node, "jobs", "list");
        Assert.True(all.ExitCode == 0, all.StdErr);
        Assert.Contains(jobs.AcmeDialogue.ToString(), all.StdOut, StringComparison.Ordinal);
        Assert.Contains(jobs.OtherDialogue.ToString(), all.StdOut, StringComparison.Ordinal);
        Assert.Contains("(platform)", all.StdOut, StringComparison.Ordinal);
        Assert.Contains("whisper crashed", all.StdOut, StringComparison.Ordinal);

        var acme = await Iotctl.RunAsync(node, "jobs", "list", "--tenant", CloudNode.Tenant);
        Assert.True(acme.ExitCode == 0, acme.StdErr);
        Assert.Contains(jobs.AcmeDialogue.ToString(), acme.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(jobs.OtherDialogue.ToString(), acme.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("(platform)", acme.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_kind_over_its_max_retries_nothing_and_within_it_requeues_every_tenants_dead_jobs_with_one_audit_row_each()
    {
        await using var node = await CloudNode.StartAsync(new Dictionary<string, string?> { ["Pipeline:Workers:Enabled"] = "false" });
        var jobs = await JobsSeed.WriteAsync(node);

        var refused = await Iotctl.RunAsync(node, "jobs", "retry-kind", "transcribe", "--max", "1");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("2 dead 'transcribe' jobs; at most 1", refused.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, await node.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'transcribe' AND status = 'dead'"));

        var run = await Iotctl.RunAsync(node, "jobs", "retry-kind", "transcribe", "--by", "ops-anna");
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("retried 2 dead 'transcribe' job(s)", run.StdOut, StringComparison.Ordinal);
        Assert.Equal(
            "queued:0:true",
            await node.ScalarAsync<string>("SELECT string_agg(DISTINCT status || ':' || attempts || ':' || (run_after <= now() AND finished_at IS NULL), ',') FROM jobs WHERE job_id = ANY (@ids)", new { ids = new[] { jobs.AcmeDeadTranscribe, jobs.OtherDeadTranscribe } }));
        Assert.Equal(
            "acme:1,other:1",
            await node.ScalarAsync<string>(
                "SELECT string_agg(tenant_id || ':' || (details ->> 'count'), ',' ORDER BY tenant_id) FROM audit_log WHERE action = 'jobs-retried-by-kind' AND actor = 'ops-anna' AND details ->> 'via' = 'ops'"));
    }

    [Fact]
    public async Task Retry_and_cancel_act_on_one_job_refuse_the_wrong_status_and_a_bad_id_is_a_usage_error()
    {
        await using var node = await CloudNode.StartAsync(new Dictionary<string, string?> { ["Pipeline:Workers:Enabled"] = "false" });
        var jobs = await JobsSeed.WriteAsync(node);

        var retry = await Iotctl.RunAsync(node, "jobs", "retry", jobs.PlatformDeadRetention.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(retry.ExitCode == 0, retry.StdErr);
        Assert.Equal("queued", await node.ScalarAsync<string>("SELECT status FROM jobs WHERE job_id = @id", new { id = jobs.PlatformDeadRetention }));

        var cancel = await Iotctl.RunAsync(node, "jobs", "cancel", jobs.AcmeQueuedAnalyze.ToString(System.Globalization.CultureInfo.InvariantCulture), "--reason", "duplicate upload");
        Assert.True(cancel.ExitCode == 0, cancel.StdErr);
        Assert.Equal(
            "done:duplicate upload",
            await node.ScalarAsync<string>("SELECT status || ':' || cancel_reason FROM jobs WHERE job_id = @id", new { id = jobs.AcmeQueuedAnalyze }));
        Assert.Equal(1, await node.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'job-cancelled' AND tenant_id = 'acme' AND target = @t", new { t = jobs.AcmeQueuedAnalyze.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

        var again = await Iotctl.RunAsync(node, "jobs", "cancel", jobs.AcmeQueuedAnalyze.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("only a queued or waiting job can be cancelled", again.StdErr, StringComparison.Ordinal);

        var missing = await Iotctl.RunAsync(node, "jobs", "retry", "999999");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("job 999999 does not exist", missing.StdErr, StringComparison.Ordinal);

        var bad = await Iotctl.RunAsync(node, "jobs", "retry", "1;DROP");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("job id must be a positive integer", bad.StdErr, StringComparison.Ordinal);
        var badKind = await Iotctl.RunAsync(node, "jobs", "retry-kind", "Transcribe'--");
        Assert.Equal(2, badKind.ExitCode);
        Assert.Contains("kind must be a job kind", badKind.StdErr, StringComparison.Ordinal);
    }

    /// <summary>Dialogues of two tenants and a platform job, written as the pipeline would.</summary>
    private sealed record JobsSeed(Guid AcmeDialogue, Guid OtherDialogue, long AcmeDeadTranscribe, long OtherDeadTranscribe, long AcmeQueuedAnalyze, long PlatformDeadRetention)
    {
        public static async Task<JobsSeed> WriteAsync(CloudNode node)
        {
            await node.Admin.EnsureTenantAsync("other", ReprovisionPolicy.Queue, CancellationToken.None);
            await node.Admin.EnsureBranchAsync("other", "other-main", "Other main", CancellationToken.None);
            var acme = Guid.CreateVersion7();
            var other = Guid.CreateVersion7();
            await using var c = new NpgsqlConnection(node.ConnectionString);
            await c.ExecuteAsync(
                """
                INSERT INTO devices (device_id, tenant_id, branch_id, display_name) VALUES ('acme-jobs-d1', 'acme', 'north', 'Till'), ('other-jobs-d1', 'other', 'other-main', 'Desk');
                INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, started_at, ended_at, status)
                VALUES (@acme, 'acme', 'north', 'acme-jobs-d1', now(), now(), 'closed'), (@other, 'other', 'other-main', 'other-jobs-d1', now(), now(), 'closed');
                """,
                new { acme, other });
            async Task<long> JobAsync(string kind, string payload, string key, string status, string? error) =>
                await c.ExecuteScalarAsync<long>(
                    """
                    INSERT INTO jobs (kind, payload, dedup_key, status, attempts, last_error, finished_at)
                    VALUES (@kind, @payload::jsonb, @key, @status, CASE WHEN @status = 'dead' THEN 5 ELSE 0 END, @error, CASE WHEN @status = 'dead' THEN now() END)
                    RETURNING job_id
                    """,
                    new { kind, payload, key, status, error });
            return new JobsSeed(
                acme,
                other,
                await JobAsync("transcribe", $"{{\"dialogueId\":\"{acme}\"}}", acme.ToString(), "dead", "whisper crashed"),
                await JobAsync("transcribe", $"{{\"dialogueId\":\"{other}\"}}", other.ToString(), "dead", "whisper crashed too"),
                await JobAsync("analyze", $"{{\"dialogueId\":\"{acme}\"}}", acme.ToString(), "queued", null),
                await JobAsync("retention", "{\"date\":\"2026-11-20\"}", "2026-11-20", "dead", "disk full"));
        }
    }
}
