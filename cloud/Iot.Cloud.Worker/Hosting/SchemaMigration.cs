using Iot.Cloud.Data;
using Microsoft.Extensions.Hosting;

namespace Iot.Cloud.Worker.Hosting;

/// <summary>
/// Brings the schema up to date before workers start. Bridges migrate too; the migrator's advisory lock makes that
/// safe, and a worker started first (or alone, against an existing database) does not depend on a bridge.
/// </summary>
internal sealed class SchemaMigration(DatabaseMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
