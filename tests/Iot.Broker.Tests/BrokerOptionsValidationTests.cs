using Iot.Cloud.Bridge.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Broker.Tests;

public sealed class BrokerOptionsValidationTests
{
    [Theory]
    [InlineData("Broker:ServiceAccounts:root", "long-enough-secret-123", "Broker:ServiceAccounts:root is not a known service")]
    [InlineData("Broker:ServiceAccounts:ops", "short", "Broker:ServiceAccounts:ops must be a secret of at least 16 characters")]
    [InlineData("Broker:Dynsec:Enabled", "true", "Broker:Dynsec:Enabled needs Broker:Mode External")]
    [InlineData("Broker:MaxPacketBytes", "1000", "Broker:MaxPacketBytes 1000 must be 0 (derived from Bridge:MaxPayloadBytes) or 65536..268435456")]
    public async Task A_bad_broker_security_setting_stops_start_up_naming_its_key(string key, string value, string expected)
    {
        using var host = BridgeHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=x;Database=x",
            ["Storage:Root"] = Path.GetTempPath(),
            ["Serilog:MinimumLevel:Default"] = "Fatal",
            [key] = value,
        }).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }
}
