using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Uplink;
using Iot.Edge.Tests.Hosting;
using Iot.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Tests.Uplink;

/// <summary><c>Mqtt:Hosts</c> as the agent's host binds and validates it (the source-generated binder of the NativeAOT build).</summary>
public class BrokerConfigurationTests
{
    [Fact]
    public async Task Hosts_given_on_the_command_line_bind_in_index_order()
    {
        using var dir = new TempDirectory();
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        using var host = AgentHost.CreateBuilder(["--Mqtt:Hosts:0=127.0.0.1:1883", "--Mqtt:Hosts:1=[::1]:1884", "--Mqtt:Hosts:2=localhost"], settings).Build();

        var brokers = BrokerEndpoints.Configured(host.Services.GetRequiredService<IOptions<MqttOptions>>().Value);

        Assert.Equal([new BrokerEndpoint("127.0.0.1", 1883), new BrokerEndpoint("::1", 1884), new BrokerEndpoint("localhost", int.Parse(settings["Mqtt:Port"]!, System.Globalization.CultureInfo.InvariantCulture))], brokers);
    }

    [Fact]
    public void Hosts_in_a_json_file_are_an_array()
    {
        var json = """{ "Mqtt": { "Port": 8883, "AllowPlaintext": true, "Hosts": [ "broker-a.example.internal:8883", "broker-b.example.internal" ] } }""";
        var mqtt = Bind(new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build());

        Assert.Equal([new BrokerEndpoint("broker-a.example.internal", 8883), new BrokerEndpoint("broker-b.example.internal", 8883)], BrokerEndpoints.Configured(mqtt));
    }

    [Theory]
    [InlineData("mqtt://127.0.0.1:1883", "Mqtt:Hosts:1 'mqtt://127.0.0.1:1883' is a URL")]
    [InlineData("127.0.0.1:0", "Mqtt:Hosts:1 '127.0.0.1:0' port '0' must be 1..65535")]
    [InlineData("127.0.0.1:1883", "Mqtt:Hosts:1 '127.0.0.1:1883' repeats Mqtt:Hosts:0")]
    [InlineData("127.0.0.1", "Mqtt:Hosts:1 '127.0.0.1' repeats Mqtt:Hosts:0")]
    [InlineData("192.0.2.10:1883", "Mqtt:Hosts:1 '192.0.2.10:1883': Mqtt:AllowPlaintext is false")]
    public async Task A_bad_second_entry_stops_start_up_and_names_its_index(string second, string message)
    {
        using var dir = new TempDirectory();
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        settings["Mqtt:Port"] = "1883";
        settings["Mqtt:Hosts:0"] = "127.0.0.1:1883";
        settings["Mqtt:Hosts:1"] = second;
        using var host = AgentHost.CreateBuilder([], settings).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Host_and_Hosts_together_stop_start_up_naming_both_keys()
    {
        using var dir = new TempDirectory();
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        settings["Mqtt:Host"] = "127.0.0.1";
        settings["Mqtt:Hosts:0"] = "127.0.0.1:1883";
        using var host = AgentHost.CreateBuilder([], settings).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith("Mqtt:Host and Mqtt:Hosts are both set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task More_than_the_allowed_number_of_hosts_is_refused()
    {
        using var dir = new TempDirectory();
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        for (var i = 0; i <= MqttOptionsValidator.MaxHosts; i++)
        {
            settings[$"Mqtt:Hosts:{i}"] = $"127.0.0.1:{2000 + i}";
        }

        using var host = AgentHost.CreateBuilder([], settings).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith("Mqtt:Hosts has 17 entries", StringComparison.Ordinal));
    }

    private static MqttOptions Bind(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddOptions<MqttOptions>().Bind(configuration.GetSection(MqttOptions.Section));
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<MqttOptions>>().Value;
    }
}
