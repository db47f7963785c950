using System.Globalization;
using Dapper;
using Iot.Dashboard.Data;
using Npgsql;

namespace Iot.Dashboard.Settings;

/// <param name="From">Inclusive; dialogues are picked by their start.</param>
/// <param name="To">Exclusive.</param>
public sealed record ReanalysisRequest(DateTimeOffset From, DateTimeOffset To);

/// <param name="RunId">Null when nothing was added (every dialogue in range is done or queued for this version already).</param>
/// <param name="InRange">Dialogues in the period that have a transcript (and are not deleted).</param>
public sealed record ReanalysisStarted(long? RunId, int Added, int InRange, int ProfileVersion);

public sealed class ReanalysisRun
{
    public long RunId { get; init; }
    public int ProfileVersion { get; init; }
    public DateTime FromAt { get; init; }
    public DateTime ToAt { get; init; }
    public string RequestedBy { get; init; } = "";
    public DateTime RequestedAt { get; init; }
    public int Total { get; init; }
    public int Done { get; init; }
    public int Failed { get; init; }
    public int Pending { get; init; }
}

/// <summary>
/// Re-analysis of a period with the tenant's current profile version: one low-priority <c>reanalyze</c> job per
/// dialogue, never twice for the same dialogue and version (migration 0052, <c>iot_request_reanalysis</c>, which runs
/// as the owner because the dashboard's role has no rights on the job queue and takes the tenant from the same
/// settings row security uses). Progress is counted from the job table per run.
/// </summary>
public sealed class ReanalysisService(TenantDb db, AnalysisProfileService profiles)
{
    public const int MaxDays = 31;
    public const int MaxDialogues = 50_000;

    public async Task<(ReanalysisStarted? Started, Dictionary<string, string[]> Errors)> RequestAsync(ReanalysisRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.To <= request.From)
        {
            errors["to"] = ["to must be after from"];
        }
        else if (request.To - request.From > TimeSpan.FromDays(MaxDays))
        {
            errors["to"] = [$"the period may be at most {MaxDays} days (got {(request.To - request.From).TotalDays.ToString("0.#", CultureInfo.InvariantCulture)})"];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var (_, version) = await profiles.CurrentProfileAsync(ct).ConfigureAwait(false);
        try
        {
            var started = await db.RunAsync(
                async (c, tx) =>
                {
                    var row = await c.QuerySingleAsync<(long? RunId, int Added, int InRange)>(new CommandDefinition(
                        "SELECT run_id, added, in_range FROM iot_request_reanalysis(@from, @to, @version, @actor, @max)",
                        new { from = request.From.UtcDateTime, to = request.To.UtcDateTime, version, actor = db.Scope.Actor, max = MaxDialogues },
                        tx,
                        cancellationToken: ct)).ConfigureAwait(false);
                    await AuditLog.WriteAsync(c, tx, new AuditEntry(AuditActions.ReanalysisRequested, row.RunId is { } id ? $"reanalysis_runs/{id}" : null, new Dictionary<string, string?>
                    {
                        ["from"] = request.From.ToString("O", CultureInfo.InvariantCulture),
                        ["to"] = request.To.ToString("O", CultureInfo.InvariantCulture),
                        ["profileVersion"] = version.ToString(CultureInfo.InvariantCulture),
                        ["added"] = row.Added.ToString(CultureInfo.InvariantCulture),
                        ["inRange"] = row.InRange.ToString(CultureInfo.InvariantCulture),
                    }).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                    return new ReanalysisStarted(row.RunId, row.Added, row.InRange, version);
                },
                ct).ConfigureAwait(false);
            return (started, errors);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidParameterValue)
        {
            // Too many dialogues in the period: the function's message says how many and the limit.
            errors["from"] = [ex.MessageText];
            return (null, errors);
        }
    }

    public Task<IReadOnlyList<ReanalysisRun>> ProgressAsync(int limit, CancellationToken ct) =>
        db.QueryAsync<ReanalysisRun>(
            """
            SELECT run_id AS RunId, profile_version AS ProfileVersion, from_at AS FromAt, to_at AS ToAt, requested_by AS RequestedBy,
                   requested_at AS RequestedAt, total AS Total, done AS Done, failed AS Failed, pending AS Pending
            FROM iot_reanalysis_progress(@limit)
            """,
            new { limit = Math.Clamp(limit, 1, 100) },
            ct);
}
