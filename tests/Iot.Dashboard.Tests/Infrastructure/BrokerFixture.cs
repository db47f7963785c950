using System.Collections.Concurrent;
using System.Diagnostics;
using Iot.TestSupport;
using MQTTnet;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// The seeded app calling a real bridge's operator API, and an MQTT client on that bridge's embedded broker standing in
/// for the devices, recording everything published under <c>iot/v1/#</c>.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("iot-dash-broker");
    private readonly IMqttClient _listener = new MqttClientFactory().CreateMqttClient();
    private ProvisioningBridge? _bridge;

    public DashboardFactory Factory { get; private set; } = null!;

    public ProvisioningBridge Bridge => _bridge!;

    public string ConnectionString { get; private set; } = "";

    public ConcurrentQueue<(string Topic, string Payload, bool Retained)> Received { get; } = new();

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("dash_broker");
        await SeedData.WriteAsync(ConnectionString, _dir.Sub("storage"));
        _bridge = await ProvisioningBridge.StartAsync(ConnectionString);
        var port = _bridge.BrokerPort;

        _listener.ApplicationMessageReceivedAsync += e =>
        {
            Received.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString(), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        await _listener.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("devices").Build());
        await _listener.SubscribeAsync("iot/v1/#");

        var settings = DashboardFactory.Defaults(ConnectionString, _dir.Sub("storage"));
        _bridge.Configure(settings);
        Factory = new DashboardFactory(settings);
    }

    public Task<HttpClient> ClientAsAsync(string email) => Factory.ClientAsAsync(email);

    public async Task<(string Topic, string Payload, bool Retained)> ReceivedAsync(Func<(string Topic, string Payload, bool Retained), bool> match)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (Received.FirstOrDefault(match) is { Topic: not null } hit)
            {
                return hit;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("expected MQTT message not received; got: " + string.Join(" | ", Received.Select(r => r.Topic + " " + r.Payload)));
    }

    public async Task DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }

        _listener.Dispose();
        if (_bridge is not null)
        {
            await _bridge.DisposeAsync();
        }

        _dir.Dispose();
    }
}
