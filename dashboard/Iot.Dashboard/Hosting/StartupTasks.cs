using Iot.Cloud.Data;
using Iot.Dashboard.Auth;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Hosting;

/// <summary>Before the first request: schema up to date, and the configured first admin exists.</summary>
internal sealed partial class StartupTasks(DatabaseMigrator migrator, AuthStore users, IOptions<DashboardOptions> options, ILogger<StartupTasks> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;

        // PDFsharp's font resolver is process-wide and must be set before the first PDF (start-up validation checked the files).
        Reports.ReportFonts.Install(o.Reports.FontDirectory);
        if (o.MigrateOnStart)
        {
            await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!string.IsNullOrEmpty(o.Seed.AdminEmail))
        {
            var created = await users.SeedUserAsync(o.Seed.TenantId, o.Seed.AdminEmail, Roles.Admin, PasswordHashing.Hash(o.Seed.AdminPassword), cancellationToken).ConfigureAwait(false);
            if (created)
            {
                LogSeeded(o.Seed.AdminEmail, o.Seed.TenantId);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first admin '{Email}' in tenant '{TenantId}' from Dashboard:Seed")]
    private partial void LogSeeded(string email, string tenantId);
}
