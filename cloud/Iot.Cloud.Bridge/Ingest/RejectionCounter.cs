using Dapper;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Iot.Cloud.Bridge.Ingest;

/// <summary>
/// Counts refused chunks per (tenant, device, clock hour, reason) in memory and adds them to <c>chunk_rejections</c>
/// every <see cref="FlushInterval"/> and on shutdown, for the rejected-chunks alert. A row write per rejection would let a
/// misbehaving device turn its garbage into database load. Topics are checked ids, but an unknown device's id is whatever
/// it claims: distinct keys are capped at <see cref="MaxKeys"/>, and what does not fit is counted and dropped.
/// </summary>
public sealed partial class RejectionCounter(NpgsqlDataSource dataSource, IngestMetrics metrics, TimeProvider time, ILogger<RejectionCounter> logger) : BackgroundService
{
    public const int MaxKeys = 10_000;

    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private Dictionary<(string Tenant, string Device, DateTimeOffset Hour, string Reason), int> _counts = [];

    public void Count(string tenantId, string deviceId, RejectReason reason)
    {
        var now = time.GetUtcNow();
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var key = (tenantId, deviceId, hour, reason.ToString());
        lock (_gate)
        {
            if (_counts.TryGetValue(key, out var n))
            {
                _counts[key] = n + 1;
                return;
            }

            if (_counts.Count < MaxKeys)
            {
                _counts[key] = 1;
                return;
            }
        }

        metrics.OnRejectionCountDropped();
    }

    /// <summary>Adds the counts held so far; on failure they are kept (merged with newer ones) for the next try.</summary>
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        Dictionary<(string Tenant, string Device, DateTimeOffset Hour, string Reason), int> batch;
        lock (_gate)
        {
            if (_counts.Count == 0)
            {
                return 0;
            }

            batch = _counts;
            _counts = [];
        }

        try
        {
            await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await c.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO chunk_rejections (tenant_id, device_id, hour, reason, count)
                SELECT * FROM unnest(@tenants::text[], @devices::text[], @hours::timestamptz[], @reasons::text[], @counts::integer[])
                ON CONFLICT (tenant_id, device_id, hour, reason) DO UPDATE SET count = chunk_rejections.count + excluded.count
                """,
                new
                {
                    tenants = batch.Keys.Select(k => k.Tenant).ToArray(),
                    devices = batch.Keys.Select(k => k.Device).ToArray(),
                    hours = batch.Keys.Select(k => k.Hour).ToArray(),
                    reasons = batch.Keys.Select(k => k.Reason).ToArray(),
                    counts = batch.Values.ToArray(),
                },
                cancellationToken: ct)).ConfigureAwait(false);
            return batch.Count;
        }
        catch
        {
            Requeue(batch);
            throw;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            LogFlushFailed(ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await FlushAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFlushFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Requeue(Dictionary<(string Tenant, string Device, DateTimeOffset Hour, string Reason), int> batch)
    {
        lock (_gate)
        {
            foreach (var (key, n) in batch)
            {
                if (_counts.TryGetValue(key, out var newer))
                {
                    _counts[key] = newer + n;
                }
                else if (_counts.Count < MaxKeys)
                {
                    _counts[key] = n;
                }
                else
                {
                    metrics.OnRejectionCountDropped();
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Adding rejection counts to chunk_rejections failed; kept for the next try")]
    private partial void LogFlushFailed(Exception exception);
}
