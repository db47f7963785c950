using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Broker.Dynsec;

/// <summary>
/// Keeps Mosquitto's dynamic-security clients and roles equal to what PostgreSQL says, at start-up and then every
/// <c>Broker:Dynsec:ReconcileSeconds</c>. Whole-state every time (not change events), so a lost message, a restored
/// dynsec file or a hand edit on the broker is corrected on the next pass.
/// </summary>
public sealed partial class DynsecReconciler(
    DesiredDynsecState desired,
    IOptions<BrokerOptions> options,
    TimeProvider time,
    ILogger<DynsecReconciler> logger) : BackgroundService
{
    private readonly SemaphoreSlim _onePass = new(1, 1);
    private long _passes;

    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>One full pass; returns the number of commands sent.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        // Periodic passes and on-demand ones (revocations) must not interleave their command batches.
        await _onePass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReconcileOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _onePass.Release();
        }
    }

    public override void Dispose()
    {
        _onePass.Dispose();
        base.Dispose();
    }

    private async Task<int> ReconcileOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var sealer = SecretSealer.FromBase64(o.Dynsec.SecretKey);
        var want = await desired.LoadAsync(sealer, o.ServiceAccounts, cancellationToken).ConfigureAwait(false);
        await using var control = await DynsecControl.ConnectAsync(o.Host, o.Port, o.Dynsec.AdminUsername, o.Dynsec.AdminPassword, "iot-dynsec-" + Guid.NewGuid().ToString("n")[..8], time, cancellationToken).ConfigureAwait(false);
        var have = await DynsecReader.ReadAsync(control, cancellationToken).ConfigureAwait(false);
        var commands = DynsecPlan.Compute(have, want, o.Dynsec.AdminUsername);
        var failed = 0;
        foreach (var answer in await control.ExecuteAsync(commands, cancellationToken).ConfigureAwait(false))
        {
            if (answer["error"] is { } error)
            {
                failed++;
                LogCommandFailed(answer["command"]?.ToString() ?? "?", error.ToString());
            }
        }

        Interlocked.Increment(ref _passes);
        LogReconciled(want.Clients.Count, want.Roles.Count, commands.Count, failed);
        return commands.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.Dynsec.ReconcileSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogPassFailed(ex);
            }

            try
            {
                await Task.Delay(period, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dynsec reconciled: {Clients} clients, {Roles} roles desired; {Commands} command(s) sent, {Failed} failed")]
    private partial void LogReconciled(int clients, int roles, int commands, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dynsec command {Command} failed: {Error}")]
    private partial void LogCommandFailed(string command, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dynsec reconcile pass failed; retrying next period")]
    private partial void LogPassFailed(Exception exception);
}
