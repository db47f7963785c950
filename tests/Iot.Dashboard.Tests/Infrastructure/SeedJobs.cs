using Dapper;
using Npgsql;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// Jobs over <see cref="SeedData"/>'s dialogues as the pipeline leaves them: a dead transcription in each of Acme's
/// branches and in Globex, a waiting analysis and a queued re-analysis of Acme's north dialogue, a running analysis (south) with a lease, and a
/// dead platform job (retention) that no tenant sees. The dead north job's error carries markup the page must encode.
/// </summary>
public sealed record SeedJobs(long AcmeNorthDead, long AcmeSouthDead, long GlobexDead, long AcmeNorthWaiting, long AcmeNorthQueued, long AcmeSouthRunning, long PlatformDead)
{
    public const string NorthError = "engine replied <b>502</b> & gave up";

    public static async Task<SeedJobs> WriteAsync(string connectionString, SeedData seed)
    {
        await using var c = new NpgsqlConnection(connectionString);
        async Task<long> JobAsync(string kind, Guid? dialogue, string status, string? error = null, string? waitReason = null, string? lockedBy = null) =>
            await c.ExecuteScalarAsync<long>(
                """
                INSERT INTO jobs (kind, payload, dedup_key, status, attempts, last_error, wait_reason, locked_by, lease_until, finished_at)
                VALUES (@kind, CASE WHEN @dialogue IS NULL THEN '{"date":"2026-11-20"}'::jsonb ELSE jsonb_build_object('dialogueId', @dialogue) END,
                        coalesce(@dialogue, '2026-11-20'), @status, CASE WHEN @status = 'dead' THEN 5 WHEN @status = 'running' THEN 1 ELSE 0 END,
                        @error, @waitReason, @lockedBy, CASE WHEN @status = 'running' THEN now() + interval '5 minutes' END,
                        CASE WHEN @status = 'dead' THEN now() END)
                RETURNING job_id
                """,
                new { kind, dialogue = dialogue?.ToString(), status, error, waitReason, lockedBy });
        return new SeedJobs(
            await JobAsync("transcribe", seed.AcmeDialogue, "dead", NorthError),
            await JobAsync("transcribe", seed.AcmeSouthDialogue, "dead", "south engine timeout"),
            await JobAsync("transcribe", seed.GlobexDialogue, "dead", "globex engine failure"),
            await JobAsync("analyze", seed.AcmeDialogue, "waiting", waitReason: "no analyzer configured"),
            await JobAsync("reanalyze", seed.AcmeDialogue, "queued"),
            await JobAsync("analyze", seed.AcmeSouthDialogue, "running", lockedBy: "worker-7"),
            await JobAsync("retention", null, "dead", "platform disk full"));
    }
}
