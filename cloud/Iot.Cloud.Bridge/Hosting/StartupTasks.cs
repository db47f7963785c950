using Iot.Cloud.Data;
using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Bridge.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>Runs before the broker and ingest start: schema migration, then the demo's seed devices.</summary>
internal sealed partial class StartupTasks(
    DatabaseMigrator migrator,
    DeviceRegistry devices,
    IOptions<BridgeOptions> options,
    ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        foreach (var pair in options.Value.SeedDevices)
        {
            var parts = pair.Split('/');
            await devices.EnsureAsync(parts[0], parts[1], cancellationToken).ConfigureAwait(false);
            LogSeeded(parts[0], parts[1]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered seed device {TenantId}/{DeviceId}")]
    private partial void LogSeeded(string tenantId, string deviceId);
}
