using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Provisioning.Alerts;

/// <summary>
/// Evaluates every alert rule every <see cref="AlertOptions.EvaluateSeconds"/> from what is already stored, in one
/// transaction per pass: rules → <see cref="AlertBook"/> (open, bump, resolve, deliveries, audit) → trimming of old
/// device events and rejection counts. Several bridges may run it; a transaction-scoped advisory lock lets one pass at a
/// time through and the others skip theirs (the next one of any bridge catches up).
/// </summary>
public sealed partial class AlertEvaluator(
    NpgsqlDataSource dataSource,
    ICertificateExpirySource certificates,
    AlertMetrics metrics,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    /// <summary>The advisory lock key of an evaluation pass ("alerts" in ASCII); nothing else in the schema uses it.</summary>
    public const long LockKey = 0x616C65727473;

    /// <summary>Device events older than this are trimmed (crash-loop counting needs an hour; the device page two weeks).</summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(14);

    /// <summary>Rejection counts older than this are trimmed (the rule reads the last two hours).</summary>
    public static readonly TimeSpan RejectionRetention = TimeSpan.FromDays(7);

    private readonly DateTimeOffset _listeningSince = time.GetUtcNow();

    /// <summary>One pass. Returns <c>Evaluated = false</c> when another evaluator held the lock.</summary>
    public async Task<AlertPassResult> EvaluateOnceAsync(CancellationToken ct)
    {
        var started = time.GetTimestamp();
        AlertPassResult result;
        try
        {
            result = await PassAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            metrics.OnFailed();
            throw;
        }

        if (result.Evaluated)
        {
            metrics.OnEvaluated(time.GetElapsedTime(started), time.GetUtcNow());
            if (result.Opened > 0 || result.Resolved > 0)
            {
                LogPass(result.Firing, result.Opened, result.Resolved, result.Deliveries);
            }
        }
        else
        {
            metrics.OnSkipped();
        }

        await RefreshOpenCountsAsync(ct).ConfigureAwait(false);
        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.EvaluateSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, time, stoppingToken).ConfigureAwait(false);
                await EvaluateOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogPassFailed(ex);
            }
        }
    }

    private async Task<AlertPassResult> PassAsync(CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (!await c.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_xact_lock(@key)", new { key = LockKey }, tx, cancellationToken: ct)).ConfigureAwait(false))
        {
            return new AlertPassResult(false, 0, 0, 0, 0);
        }

        var pass = new AlertPass(c, tx, time.GetUtcNow(), _listeningSince, ct);
        var firings = await AlertDeviceRules.EvaluateAsync(pass).ConfigureAwait(false);
        firings.AddRange(await AlertTenantRules.EvaluateAsync(pass, certificates).ConfigureAwait(false));
        var result = await AlertBook.ApplyAsync(pass, firings).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM device_events WHERE at < @events; DELETE FROM chunk_rejections WHERE hour < @rejections;",
            new { events = pass.Now - EventRetention, rejections = pass.Now - RejectionRetention },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return result;
    }

    private async Task RefreshOpenCountsAsync(CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var rows = await c.QueryAsync<(string Rule, string Severity, long Count)>(new CommandDefinition(
            "SELECT rule, severity, count(*) FROM alerts WHERE resolved_at IS NULL GROUP BY rule, severity",
            cancellationToken: ct)).ConfigureAwait(false);
        metrics.OnOpenCounts(rows.ToDictionary(r => (r.Rule, r.Severity), r => r.Count));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: {Firing} cause(s) firing, {Opened} opened, {Resolved} resolved, {Deliveries} deliveries queued")]
    private partial void LogPass(int firing, int opened, int resolved, int deliveries);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert evaluation pass failed; the next pass tries again")]
    private partial void LogPassFailed(Exception exception);
}
