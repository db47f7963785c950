using Iot.Cloud.Data.Partitions;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Cloud.Pipeline.Retention;

/// <summary>
/// <c>retention</c> ({"date":"yyyy-MM-dd"}): deletes audio (files or objects, through the audio store) whose chunk ended more than the tenant's retention
/// period ago, marks the chunks and their dialogues purged, and writes one audit row per tenant. Transcripts,
/// analyses and chunk metadata stay. Files are deleted before the batch commits: a crash in between leaves rows
/// pointing at missing files, which the next run purges again (a missing file counts as deleted).
/// </summary>
public sealed partial class RetentionHandler(
    NpgsqlDataSource dataSource,
    IOptions<RetentionOptions> options,
    IAudioStore store,
    TimeProvider time,
    ILogger<RetentionHandler> logger) : IJobHandler
{
    public string Kind => JobKinds.Retention;

    public async Task<JobOutcome> HandleAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        await RunAsync(cancellationToken).ConfigureAwait(false);
        await PartitionsAsync(cancellationToken).ConfigureAwait(false);
        await OrphansAsync(cancellationToken).ConfigureAwait(false);
        return JobOutcome.Done;
    }

    /// <summary>Deletes audio a crash between a bridge's PUT and its commit left without a row (see <see cref="OrphanAudioSweep"/>).</summary>
    public Task<OrphanSweepReport> OrphansAsync(CancellationToken cancellationToken) =>
        new OrphanAudioSweep(dataSource, store, options.Value, time, logger).RunAsync(cancellationToken);

    public async Task<IReadOnlyList<RetentionReport>> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var reports = new List<RetentionReport>();
        foreach (var tenant in await RetentionStore.TenantsAsync(connection, options.Value.AudioRetentionDays, cancellationToken).ConfigureAwait(false))
        {
            var report = await PurgeTenantAsync(connection, tenant, now, cancellationToken).ConfigureAwait(false);
            await RetentionStore.AuditAsync(connection, tenant.TenantId, now, report, cancellationToken).ConfigureAwait(false);
            LogTenant(tenant.TenantId, report.ChunksPurged, report.FilesMissing, report.BytesFreed, report.DialoguesMarked);
            reports.Add(report);
        }

        return reports;
    }

    /// <summary>Partition upkeep and month drops (after the audio purge, which a chunk month waits for).</summary>
    public Task<IReadOnlyList<MonthPartition>> PartitionsAsync(CancellationToken cancellationToken) =>
        new PartitionRetention(dataSource, options.Value, time, logger).RunAsync(cancellationToken);

    private async Task<RetentionReport> PurgeTenantAsync(NpgsqlConnection connection, RetentionStore.TenantRetention tenant, DateTime now, CancellationToken cancellationToken)
    {
        var cutoff = now.AddDays(-tenant.Days);
        int chunks = 0, missing = 0, dialogues = 0;
        long bytes = 0;
        while (true)
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var batch = await RetentionStore.LockExpiredAsync(connection, tx, tenant.TenantId, cutoff, options.Value.BatchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var chunk in batch)
            {
                if (await store.DeleteAsync(chunk.StoragePath, cancellationToken).ConfigureAwait(false) is { } deleted)
                {
                    bytes += deleted.Length;
                }
                else
                {
                    missing++;
                }
            }

            dialogues += await RetentionStore.MarkPurgedAsync(connection, tx, [.. batch.Select(b => b.ChunkId)], now, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            chunks += batch.Count;
        }

        return new RetentionReport(tenant.TenantId, tenant.Days, cutoff, chunks, missing, bytes, dialogues);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "retention: tenant {TenantId}: {Chunks} chunk(s) purged ({Missing} file(s) already gone, {Bytes} bytes freed), {Dialogues} dialogue(s) marked")]
    private partial void LogTenant(string tenantId, int chunks, int missing, long bytes, int dialogues);
}

/// <summary>What one retention run did for one tenant; also the audit row's details.</summary>
public sealed record RetentionReport(string TenantId, int RetentionDays, DateTime Cutoff, int ChunksPurged, int FilesMissing, long BytesFreed, int DialoguesMarked);
