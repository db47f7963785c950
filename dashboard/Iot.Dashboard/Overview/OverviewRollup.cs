using Dapper;
using Npgsql;

namespace Iot.Dashboard.Overview;

/// <summary>
/// Keeps <c>overview_rollup</c> (migration 0022) equal to what the overview's raw query gives for each whole local day,
/// and the Performance/Trends grains of migration 0065 (<see cref="PerformanceRollupSql"/>) in the same buckets.
/// Works across tenants as the table owner (row security does not apply), so it never runs with a user's scope.
/// Idempotent: a (tenant, day) bucket is always deleted and recomputed from the raw rows as a whole.
/// </summary>
public sealed class OverviewRollup(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>Rows written with an updated_at a little older than the last high-water mark (a writer's transaction that
    /// committed after the previous run read) are still picked up: each run looks back this far past the mark.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    /// <summary>A late commit can only hide behind the mark until <see cref="Overlap"/> after it; a pass that ran later than
    /// that already saw everything up to the mark, so later passes need not look back again (no endless re-reading).</summary>
    private static DateTime LookBackFrom(DateTime watermark, DateTime computedAt) =>
        computedAt - Overlap >= watermark ? watermark : watermark - Overlap;

    private const long AdvisoryLock = 0x10_7D_A5_0022;

    /// <summary>
    /// A transaction recomputes consecutive days of one tenant holding about this many dialogues (at least one day, at
    /// most <see cref="MaxBucketsPerTransaction"/>): a tenant's first build after an upgrade is then many short
    /// transactions of bounded work whatever the tenant's size, instead of 60-day batches of unbounded size (at 1 M
    /// dialogues one such batch took over 30 s), and each batch touches few ISO weeks, so week rows are rewritten about
    /// once instead of once per batch that held one of their days.
    /// </summary>
    internal const int DialoguesPerTransaction = 20_000;

    private const int MaxBucketsPerTransaction = 60;

    /// <summary>
    /// A batch of a full rebuild at 1 M dialogues (60 days of a large tenant, all roll-ups) ran past Npgsql's 30 s
    /// default on a loaded 2-core machine, and a failed batch is retried forever; this is a background job, so it may
    /// take minutes, never a caller's request.
    /// </summary>
    private const int RecomputeTimeoutSeconds = 600;

    private const string Zones = "SELECT t.tenant_id, coalesce(s.time_zone, 'Etc/UTC') AS zone, r.time_zone AS rolled_zone, r.watermark, coalesce(r.computed_at, '-infinity') AS computed_at "
        + "FROM tenants t LEFT JOIN tenant_settings s USING (tenant_id) LEFT JOIN overview_rollup_state r USING (tenant_id)";

    /// <summary>One catch-up pass; false when another instance holds the lock (it does the same work).</summary>
    public async Task<RollupRun?> RunOnceAsync(CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        if (!await c.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@AdvisoryLock)", new { AdvisoryLock }, cancellationToken: ct)).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            // At 1 M dialogues about 90 % of every recompute statement's time was JIT compilation (2-8 s each, auto_explain
            // on the bench database): the statements are many and short, so compiling never pays off. Session-wide for this
            // pass; the pool's reset on return (DISCARD ALL) drops it.
            await c.ExecuteAsync(new CommandDefinition("SET jit = off", cancellationToken: ct)).ConfigureAwait(false);
            return await CatchUpAsync(c, ct).ConfigureAwait(false);
        }
        finally
        {
            await c.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@AdvisoryLock)", new { AdvisoryLock }, cancellationToken: CancellationToken.None)).ConfigureAwait(false);
        }
    }

    private async Task<RollupRun> CatchUpAsync(NpgsqlConnection c, CancellationToken ct)
    {
        // Read the high-water mark first: whatever is changed later is found by the next pass.
        var watermark = await c.ExecuteScalarAsync<DateTime?>(new CommandDefinition("SELECT max(updated_at) FROM dialogues", cancellationToken: ct)).ConfigureAwait(false);
        var tenants = (await c.QueryAsync<(string TenantId, string Zone, string? RolledZone, DateTime? Watermark, DateTime ComputedAt)>(new CommandDefinition(Zones, cancellationToken: ct)).ConfigureAwait(false)).AsList();
        var rebuild = tenants.Where(t => t.RolledZone != t.Zone).Select(t => t.TenantId).ToArray();
        var current = tenants.Where(t => t.RolledZone == t.Zone).ToList();
        var scanChanges = current.Count > 0;
        var since = current.Count == 0 || current.Any(t => t.Watermark is null) ? (DateTime?)null : current.Select(t => LookBackFrom(t.Watermark!.Value, t.ComputedAt)).Min();
        var now = time.GetUtcNow().UtcDateTime;

        // Touched buckets: every day of a tenant cut in a new zone (its first to its last dialogue's day: two index probes,
        // where the distinct days of its dialogues sorted the whole table, 6 s at 1 M; an empty day costs one cheap batch
        // entry); days of dialogues changed since the mark; and today and yesterday of every tenant, because the dialogue
        // builder hard-deletes open dialogues it re-plans (no updated_at left).
        // Each with its (live) dialogue count, in tenant and day order, for the batching below.
        var buckets = (await c.QueryAsync<Bucket>(new CommandDefinition(
            $"""
            WITH z AS ({Zones}),
            u AS (
                SELECT z.tenant_id, g::date AS day
                FROM z CROSS JOIN LATERAL (
                    SELECT min(d.started_at) AS lo, max(d.started_at) AS hi FROM dialogues d WHERE d.tenant_id = z.tenant_id AND d.deleted_at IS NULL) m
                CROSS JOIN LATERAL generate_series((m.lo AT TIME ZONE z.zone)::date, (m.hi AT TIME ZONE z.zone)::date, interval '1 day') AS g
                WHERE z.tenant_id = ANY(@rebuild)
                UNION SELECT d.tenant_id, (d.started_at AT TIME ZONE z.zone)::date FROM dialogues d JOIN z USING (tenant_id)
                      WHERE @scanChanges AND d.updated_at > coalesce(@since::timestamptz, '-infinity') AND NOT (d.tenant_id = ANY(@rebuild))
                UNION SELECT z.tenant_id, ((@now::timestamptz AT TIME ZONE z.zone)::date - g) FROM z, generate_series(0, 1) AS g)
            SELECT u.tenant_id AS TenantId, u.day::timestamp AS Day,
                   (SELECT count(*) FROM dialogues d WHERE d.tenant_id = u.tenant_id AND d.deleted_at IS NULL
                        AND d.started_at >= u.day::timestamp AT TIME ZONE z.zone AND d.started_at < (u.day + 1)::timestamp AT TIME ZONE z.zone) AS Dialogues
            FROM u JOIN z USING (tenant_id)
            ORDER BY u.tenant_id, u.day
            """,
            new { rebuild, scanChanges, since, now },
            cancellationToken: ct)).ConfigureAwait(false)).AsList();

        await using (var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            // A tenant cut in another zone before: none of its rows are valid any more.
            await c.ExecuteAsync(new CommandDefinition("DELETE FROM overview_rollup WHERE tenant_id = ANY(@rebuild);" + PerformanceRollupSql.DeleteTenants + OfferedItemRollupSql.DeleteTenants, new { rebuild }, tx, cancellationToken: ct)).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }

        // Buckets are cut in the zone read above; if it changes meanwhile, the state written below names the old zone, so the
        // overview ignores these rows and the next pass rebuilds the tenant.
        var zoneOf = tenants.ToDictionary(t => t.TenantId, t => t.Zone, StringComparer.Ordinal);
        TimeSpan overview = default, performance = default, offeredItems = default;
        var transactions = 0;
        foreach (var batch in Batches(buckets))
        {
            var args = new { tenants = batch.Select(b => b.TenantId).ToArray(), days = batch.Select(b => b.Day).ToArray(), zones = batch.Select(b => zoneOf[b.TenantId]).ToArray() };
            await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);

            // Three statements, each timed: the pass reports which roll-up its time went to.
            async Task<TimeSpan> RunAsync(string sql)
            {
                var started = time.GetTimestamp();
                await c.ExecuteAsync(new CommandDefinition(sql, args, tx, commandTimeout: RecomputeTimeoutSeconds, cancellationToken: ct)).ConfigureAwait(false);
                return time.GetElapsedTime(started);
            }

            overview += await RunAsync(Recompute).ConfigureAwait(false);
            performance += await RunAsync(PerformanceRollupSql.Recompute).ConfigureAwait(false);
            offeredItems += await RunAsync(OfferedItemRollupSql.Recompute).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            transactions++;
        }

        // Only now may the overview trust the rows: the state names the zone they were cut in and how fresh they are.
        await c.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO overview_rollup_state (tenant_id, time_zone, watermark, computed_at)
            SELECT tenant_id, zone, @watermark, @now FROM unnest(@tenants::text[], @zones::text[]) AS u(tenant_id, zone)
            ON CONFLICT (tenant_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, watermark = EXCLUDED.watermark, computed_at = EXCLUDED.computed_at
            """,
            new { watermark, now, tenants = tenants.Select(t => t.TenantId).ToArray(), zones = tenants.Select(t => t.Zone).ToArray() },
            cancellationToken: ct)).ConfigureAwait(false);
        return new RollupRun(buckets.Count, rebuild.Length, transactions, buckets.Sum(b => b.Dialogues), overview, performance, offeredItems);
    }

    /// <summary>Consecutive buckets of one tenant up to <see cref="DialoguesPerTransaction"/> dialogues (a bigger day alone).</summary>
    internal static IEnumerable<IReadOnlyList<Bucket>> Batches(IReadOnlyList<Bucket> buckets)
    {
        var batch = new List<Bucket>();
        long dialogues = 0;
        foreach (var b in buckets)
        {
            if (batch.Count > 0 && (batch.Count == MaxBucketsPerTransaction || dialogues + b.Dialogues > DialoguesPerTransaction || batch[0].TenantId != b.TenantId))
            {
                yield return batch;
                batch = [];
                dialogues = 0;
            }

            batch.Add(b);
            dialogues += b.Dialogues;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    internal sealed record Bucket(string TenantId, DateTime Day, long Dialogues);

    // Same figures as the overview's raw query (OverviewQueries), per tenant, branch and local day. Each bucket's rows are
    // read through a lateral kept apart by OFFSET 0, i.e. one index range per (tenant, day): as a join against the
    // unnested buckets PostgreSQL hashed the buckets and scanned all of analyses (2 s per batch at 1 M dialogues).
    private const string Recompute = """
        DELETE FROM overview_rollup r USING unnest(@tenants::text[], @days::date[]) AS b(tenant_id, day) WHERE r.tenant_id = b.tenant_id AND r.day = b.day;
        WITH k AS (
            SELECT b.tenant_id, b.day, b.zone, b.day::timestamp AT TIME ZONE b.zone AS lo, (b.day + 1)::timestamp AT TIME ZONE b.zone AS hi
            FROM unnest(@tenants::text[], @days::date[], @zones::text[]) AS b(tenant_id, day, zone)),
        d AS MATERIALIZED (
            SELECT k.tenant_id, k.day, d.branch_id, extract(hour FROM d.started_at AT TIME ZONE k.zone)::int AS hour
            FROM k JOIN dialogues d ON d.tenant_id = k.tenant_id AND d.deleted_at IS NULL AND d.started_at >= k.lo AND d.started_at < k.hi),
        a AS MATERIALIZED (
            SELECT k.tenant_id, k.day, a.branch_id, a.upsell_attempted, a.quality_score, a.offered_categories, a.flagged
            FROM k CROSS JOIN LATERAL (
                SELECT a.branch_id, a.upsell_attempted, a.quality_score, a.offered_categories, a.low_confidence IS NOT NULL AS flagged FROM analyses a
                WHERE a.tenant_id = k.tenant_id AND NOT a.dialogue_deleted AND a.dialogue_started_at >= k.lo AND a.dialogue_started_at < k.hi OFFSET 0) a)
        INSERT INTO overview_rollup (tenant_id, branch_id, day, kind, key, n, upsell, quality)
        SELECT tenant_id, branch_id, day, 'total', '', count(*), 0, 0 FROM d GROUP BY 1, 2, 3
        UNION ALL SELECT tenant_id, branch_id, day, 'hour', hour::text, count(*), 0, 0 FROM d GROUP BY 1, 2, 3, 5
        UNION ALL SELECT tenant_id, branch_id, day, 'analysed', '', count(*), count(*) FILTER (WHERE upsell_attempted), sum(quality_score) FROM a WHERE NOT flagged GROUP BY 1, 2, 3
        UNION ALL SELECT tenant_id, branch_id, day, 'flagged', '', count(*), 0, 0 FROM a WHERE flagged GROUP BY 1, 2, 3
        UNION ALL SELECT tenant_id, branch_id, day, 'category', cat, count(*), 0, 0 FROM a, unnest(a.offered_categories) AS cat WHERE NOT flagged GROUP BY 1, 2, 3, 5
        UNION ALL SELECT tenant_id, branch_id, day, 'quality', least(quality_score / 10, 9)::text, count(*), 0, 0 FROM a WHERE NOT flagged GROUP BY 1, 2, 3, 5
        """;
}

/// <summary>One pass: tenant-days recomputed, tenants rebuilt, transactions, dialogues read, and the time each roll-up took.</summary>
public sealed record RollupRun(int Buckets, int TenantsRebuilt, int Transactions, long Dialogues, TimeSpan Overview, TimeSpan Performance, TimeSpan OfferedItems);
