using Dapper;
using Iot.Protocol.Messages;
using Iot.Provisioning.Alerts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Provisioning.Fleet;

/// <summary>
/// Keeps the newest status and telemetry of each registered device in <c>device_health</c> and writes
/// <c>device_events</c> (online, offline, restart). Messages are held in memory and written every
/// <see cref="AlertOptions.HealthFlushSeconds"/> in one transaction: telemetry arrives every minute from every device,
/// and a row write per message would cost more than the alerts it feeds. Every bridge hears every status, so the write
/// locks the rows it merges: a second bridge writing the same messages finds them already applied and adds no events.
/// Ids of devices that do not exist in that tenant are dropped (the broker's ACL already stops a device publishing for
/// another, but the database does not rely on it).
/// </summary>
public sealed partial class DeviceHealthWriter(
    NpgsqlDataSource dataSource,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<DeviceHealthWriter> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private Dictionary<(string Tenant, string Device), PendingHealth> _pending = [];
    private long _dropped;

    /// <summary>Messages not kept because <see cref="AlertOptions.MaxPendingDevices"/> was reached or a device sent too many statuses.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void OnStatus(string tenantId, string deviceId, DeviceStatus status) =>
        Add(tenantId, deviceId, p =>
        {
            p.Statuses.Add(new Heard<DeviceStatus>(status, time.GetUtcNow()));
            return p.Trim();
        });

    public void OnTelemetry(string tenantId, string deviceId, DeviceTelemetry telemetry) =>
        Add(tenantId, deviceId, p =>
        {
            if (p.Telemetry is not { } held || telemetry.AtUtc > held.Message.AtUtc)
            {
                p.Telemetry = new Heard<DeviceTelemetry>(telemetry, time.GetUtcNow());
            }

            return 0;
        });

    /// <summary>Writes what was heard since the last write; returns the devices written. On failure it is kept for the next try.</summary>
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        Dictionary<(string Tenant, string Device), PendingHealth> batch;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return 0;
            }

            batch = _pending;
            _pending = [];
        }

        try
        {
            return await WriteAsync(batch, ct).ConfigureAwait(false);
        }
        catch
        {
            Requeue(batch);
            throw;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.HealthFlushSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, time, stoppingToken).ConfigureAwait(false);
                await FlushAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogFlushFailed(ex);
            }
        }

        // What was heard in the last few seconds is worth one more try on the way out.
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await FlushAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            LogFlushFailed(ex);
        }
    }

    private void Add(string tenantId, string deviceId, Func<PendingHealth, int> change)
    {
        int dropped;
        lock (_gate)
        {
            if (_pending.TryGetValue((tenantId, deviceId), out var held))
            {
                dropped = change(held);
            }
            else if (_pending.Count >= options.Value.MaxPendingDevices)
            {
                dropped = 1;
            }
            else
            {
                var fresh = new PendingHealth(tenantId);
                _pending[(tenantId, deviceId)] = fresh;
                dropped = change(fresh);
            }
        }

        CountDropped(dropped);
    }

    private void CountDropped(int dropped)
    {
        if (dropped > 0 && Interlocked.Add(ref _dropped, dropped) is var total && (total & (total - 1)) == 0)
        {
            LogDropped(total);
        }
    }

    private void Requeue(Dictionary<(string Tenant, string Device), PendingHealth> batch)
    {
        var dropped = 0;
        lock (_gate)
        {
            foreach (var (key, old) in batch)
            {
                if (_pending.TryGetValue(key, out var newer))
                {
                    dropped += newer.Absorb(old);
                }
                else if (_pending.Count < options.Value.MaxPendingDevices)
                {
                    _pending[key] = old;
                }
                else
                {
                    dropped += old.Statuses.Count + (old.Telemetry is null ? 0 : 1);
                }
            }
        }

        CountDropped(dropped);
    }

    private async Task<int> WriteAsync(Dictionary<(string Tenant, string Device), PendingHealth> batch, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var ids = batch.Keys.Select(k => k.Device).Distinct().ToArray();
        var known = (await c.QueryAsync<(string DeviceId, string TenantId)>(new CommandDefinition(
                "SELECT device_id, tenant_id FROM devices WHERE device_id = ANY (@ids)", new { ids }, tx, cancellationToken: ct)).ConfigureAwait(false))
            .ToDictionary(d => d.DeviceId, d => d.TenantId, StringComparer.Ordinal);
        var mine = batch.Where(p => known.TryGetValue(p.Key.Device, out var tenant) && tenant == p.Key.Tenant)
            .OrderBy(p => p.Key.Device, StringComparer.Ordinal)
            .ToList();
        if (mine.Count == 0)
        {
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return 0;
        }

        // Rows are created empty, then locked in device order (two bridges writing overlapping devices queue, never deadlock).
        var keys = mine.Select(p => p.Key.Device).ToArray();
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO device_health (device_id, tenant_id)
            SELECT d.device_id, d.tenant_id FROM devices d WHERE d.device_id = ANY (@keys) ORDER BY d.device_id
            ON CONFLICT (device_id) DO NOTHING
            """,
            new { keys },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        var stored = (await c.QueryAsync<StoredHealth>(new CommandDefinition(
                """
                SELECT device_id AS DeviceId, state AS State, state_at AS StateAt, started_at AS StartedAt, telemetry_at AS TelemetryAt,
                       mic_missing_since AS MicMissingSince
                FROM device_health WHERE device_id = ANY (@keys) ORDER BY device_id FOR UPDATE
                """,
                new { keys },
                tx,
                cancellationToken: ct)).ConfigureAwait(false))
            .ToDictionary(s => s.DeviceId, StringComparer.Ordinal);

        var updates = new List<HealthUpdate>();
        var events = new List<DeviceEvent>();
        foreach (var (key, pending) in mine)
        {
            var (update, found) = DeviceHealthMerge.Merge(stored[key.Device], pending);
            if (update is not null)
            {
                updates.Add(update);
            }

            events.AddRange(found);
        }

        await DeviceHealthSql.UpdateAsync(c, tx, updates, time.GetUtcNow(), ct).ConfigureAwait(false);
        await DeviceHealthSql.InsertEventsAsync(c, tx, events, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return updates.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing device health failed; kept for the next try")]
    private partial void LogFlushFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device health messages dropped (Alerts:MaxPendingDevices reached or too many statuses from one device): {Dropped} so far (logged at powers of two)")]
    private partial void LogDropped(long dropped);
}
