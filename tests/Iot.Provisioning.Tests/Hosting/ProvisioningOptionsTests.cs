using Iot.Provisioning.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Tests.Hosting;

public sealed class ProvisioningOptionsTests
{
    [Fact]
    public void Broker_settings_default_to_the_bridge_broker_and_external_mode_uses_shared_subscriptions()
    {
        var options = Resolve(new() { ["Broker:Mode"] = "External", ["Broker:Host"] = "mqtt.example", ["Broker:Port"] = "8883", ["Bridge:InstanceId"] = "bridge-7" });

        Assert.Equal("mqtt.example", options.BrokerHost);
        Assert.Equal(8883, options.BrokerPort);
        Assert.True(options.UseSharedSubscription);
        Assert.Equal("svc.provisioning", options.Username);
        Assert.Equal("svc.provisioning.bridge-7", options.ClientId);
        Assert.False(Resolve(new() { ["Broker:Port"] = "1884" }).UseSharedSubscription);
    }

    [Fact]
    public void Invalid_settings_fail_at_start_naming_the_full_key()
    {
        var ex = Assert.Throws<OptionsValidationException>(() =>
            Resolve(new() { ["Provisioning:ReplayWindowMinutes"] = "0", ["Provisioning:SharedGroup"] = "Bad Group", ["Provisioning:InboxCapacity"] = "0" }));

        Assert.Contains(ex.Failures, f => f.StartsWith("Provisioning:ReplayWindowMinutes 0", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Provisioning:SharedGroup 'Bad Group'", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Provisioning:InboxCapacity 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Operator_api_callers_are_checked_at_start_naming_the_key_and_never_take_a_token_in_clear()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ProvisioningApi:ListenAddress"] = "localhost",
            ["ProvisioningApi:Callers:ops:TokenSha256"] = "my-secret-token",
            ["ProvisioningApi:Callers:ops:Tenant"] = "Acme Corp",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddProvisioning(configuration);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Iot.Provisioning.Api.ProvisioningApiOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.StartsWith("ProvisioningApi:ListenAddress 'localhost'", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("ProvisioningApi:Callers:ops:TokenSha256 must be 64 hex digits", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("ProvisioningApi:Callers:ops:Tenant 'Acme Corp'", StringComparison.Ordinal));
    }

    private static ProvisioningOptions Resolve(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddProvisioning(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ProvisioningOptions>>().Value;
    }
}
