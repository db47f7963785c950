using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Provisioning;
using Iot.Edge.Tests.Hosting;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Tests.Provisioning;

public class ProvisioningConfigurationTests
{
    [Fact]
    public async Task With_a_claim_path_the_device_ids_may_be_left_out()
    {
        using var dir = new TempDirectory();
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        settings.Remove("Agent:TenantId");
        settings.Remove("Agent:DeviceId");
        settings["Provisioning:ClaimPath"] = dir.Sub("claim.json");
        using var host = AgentHost.CreateBuilder([], settings).Build();

        await host.StartAsync();
        var identity = host.Services.GetRequiredService<DeviceIdentityStore>();
        await host.StopAsync();

        Assert.True(identity.ProvisioningEnabled);
        Assert.Null(identity.Current);
        Assert.Equal(dir.Sub("credentials.json"), identity.CredentialsPath);
    }

    [Theory]
    [InlineData("Agent:TenantId", "", "Agent:TenantId")]
    [InlineData("Agent:DeviceId", "", "Agent:DeviceId")]
    public async Task Without_provisioning_the_device_ids_stay_required(string key, string value, string named)
    {
        using var dir = new TempDirectory();
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        settings[key] = value;
        using var host = AgentHost.CreateBuilder([], settings).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Agent:DeviceId", "Bad Id", "Agent:DeviceId")]
    [InlineData("Provisioning:Serial", "Has Spaces", "Provisioning:Serial")]
    [InlineData("Provisioning:RetrySeconds", "0", "Provisioning:RetrySeconds")]
    [InlineData("HomeAssistant:Prefix", "ha/#", "HomeAssistant:Prefix")]
    public async Task A_bad_provisioning_setting_stops_start_up_and_names_its_key(string key, string value, string named)
    {
        using var dir = new TempDirectory();
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        settings["Provisioning:ClaimPath"] = dir.Sub("claim.json");
        settings[key] = value;
        using var host = AgentHost.CreateBuilder([], settings).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_claim_file_without_a_secret_is_reported_as_a_fault()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir, writeClaim: false);
        await File.WriteAllTextAsync(dir.Sub("claim.json"), "{ \"claimId\": \"c1\", \"broker\": \"" + cloud.Broker + "\" }");

        await agent.StartAsync();
        var conditions = agent.Get<Iot.Edge.Agent.Health.AgentConditions>();

        await Eventually.WaitAsync(() => Task.FromResult(conditions.Faults().Any(f => f.Contains("needs claimId, secret and broker", StringComparison.Ordinal))), TimeSpan.FromSeconds(10), "claim fault");
        Assert.Empty(cloud.Requests);
    }
}
