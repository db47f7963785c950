using Iot.Dashboard.Tests.Infrastructure;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>
/// <see cref="DashboardHost"/> whose actions and job views go to a real bridge's operator API over the same database, as
/// in production: the route matrix then probes the bridge's scoping too (jobs have no local read path to fall back on).
/// The bridge is the dashboard tests' <see cref="ProvisioningBridge"/> (the file is compiled into this project too).
/// </summary>
public sealed class DashboardWithOperatorApiHost : DashboardHost
{
    private ProvisioningBridge? _bridge;

    protected override async Task<IReadOnlyDictionary<string, string?>> StartDependenciesAsync(string connectionString)
    {
        _bridge = await ProvisioningBridge.StartAsync(connectionString);
        var settings = new Dictionary<string, string?>();
        _bridge.Configure(settings);
        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_bridge is not null)
        {
            await _bridge.DisposeAsync();
        }
    }
}
