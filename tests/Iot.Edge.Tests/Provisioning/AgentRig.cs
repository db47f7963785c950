using System.Globalization;
using System.Text.Json;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Tests.Hosting;
using Iot.Protocol.Provisioning;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Edge.Tests.Provisioning;

/// <summary>An in-process agent configured for self-provisioning against a <see cref="FakeCloud"/>.</summary>
internal sealed class AgentRig : IAsyncDisposable
{
    public const string Serial = "pi-0001";
    private IHost? _host;

    private AgentRig(TempDirectory dir, Dictionary<string, string?> settings)
    {
        Dir = dir;
        Settings = settings;
    }

    public TempDirectory Dir { get; }

    public Dictionary<string, string?> Settings { get; }

    public string CredentialsPath => Dir.Sub("credentials.json");

    public UnixFileMode CredentialsMode => OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException() : File.GetUnixFileMode(CredentialsPath);

    public IHost Host => _host ?? throw new InvalidOperationException("not started");

    public T Get<T>()
        where T : notnull => Host.Services.GetRequiredService<T>();

    public static async Task<AgentRig> CreateAsync(FakeCloud cloud, TempDirectory dir, bool writeClaim = true)
    {
        var settings = await AgentHostTests.ValidSettingsAsync(dir);
        settings.Remove("Agent:TenantId");
        settings.Remove("Agent:DeviceId");
        settings["Mqtt:Port"] = cloud.Port.ToString(CultureInfo.InvariantCulture);
        settings["Mqtt:ReconnectMinMilliseconds"] = "50";
        settings["Mqtt:ReconnectMaxMilliseconds"] = "500";
        settings["Mqtt:AckTimeoutSeconds"] = "60";
        settings["Provisioning:ClaimPath"] = dir.Sub("claim.json");
        settings["Provisioning:Serial"] = Serial;
        settings["Provisioning:ResponseTimeoutSeconds"] = "3";
        settings["Provisioning:RetrySeconds"] = "0.5";
        settings["Provisioning:InvalidRetrySeconds"] = "0.5";
        settings["Provisioning:RejectedRetrySeconds"] = "3600";
        if (writeClaim)
        {
            await File.WriteAllTextAsync(dir.Sub("claim.json"), JsonSerializer.Serialize(new { claimId = FakeCloud.ClaimId, secret = FakeCloud.ClaimSecret, broker = cloud.Broker }));
        }

        return new AgentRig(dir, settings);
    }

    public async Task StartAsync()
    {
        _host = AgentHost.CreateBuilder([], Settings).Build();
        await _host.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
            _host = null;
        }
    }

    /// <summary>Answers Approved for <paramref name="device"/> to every request from now on.</summary>
    public static Func<ProvisionRequest, int, IEnumerable<ProvisionResponse>> ApproveAs(FakeCloud cloud, string tenant, string device, string password)
    {
        cloud.Allow(MqttIdentities.Device(tenant, device), password);
        return (r, _) => [FakeCloud.Answer(r, ProvisionStatus.Approved, FakeCloud.Credentials(tenant, device, password))];
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

internal static class AgentRigExtensions
{
    /// <summary>Starts the agent and lets the fake cloud approve it as acme/pos-1 (password pw-1); returns once it uploads.</summary>
    public static async Task StartProvisionedAsync(this AgentRig agent, FakeCloud cloud)
    {
        cloud.Responder = AgentRig.ApproveAs(cloud, "acme", "pos-1", "pw-1");
        await agent.StartAsync();
        await Eventually.WaitAsync(
            () => Task.FromResult(cloud.Messages.Any(m => m.Topic == Iot.Protocol.Topics.TopicTree.Status("acme", "pos-1"))),
            TimeSpan.FromSeconds(20),
            "acme/pos-1 online");
    }
}
