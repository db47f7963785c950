using System.Collections.Concurrent;
using System.Diagnostics;
using Iot.TestSupport;
using MQTTnet;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// The seeded app with <c>Dashboard:Broker</c> pointing at a real Mosquitto, and an MQTT client standing in for the
/// devices that records everything published under <c>iot/v1/#</c>.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("iot-dash-broker");
    private readonly IMqttClient _listener = new MqttClientFactory().CreateMqttClient();
    private Process? _mosquitto;

    public DashboardFactory Factory { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public ConcurrentQueue<(string Topic, string Payload, bool Retained)> Received { get; } = new();

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        var config = _dir.Sub("mosquitto.conf");
        var log = _dir.Sub("mosquitto.log");
        await File.WriteAllTextAsync(config, $"listener {port} 127.0.0.1\nallow_anonymous true\nlog_dest file {log}\n");
        _mosquitto = await MosquittoProcess.StartAsync(config, log, [port]);

        _listener.ApplicationMessageReceivedAsync += e =>
        {
            Received.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString(), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        await _listener.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("devices").Build());
        await _listener.SubscribeAsync("iot/v1/#");

        ConnectionString = await TestDatabase.CreateAsync("dash_broker");
        await SeedData.WriteAsync(ConnectionString, _dir.Sub("storage"));
        var settings = DashboardFactory.Defaults(ConnectionString, _dir.Sub("storage"));
        settings["Dashboard:Broker:Host"] = "127.0.0.1";
        settings["Dashboard:Broker:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
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
        if (_mosquitto is { HasExited: false })
        {
            _mosquitto.Kill();
            await _mosquitto.WaitForExitAsync();
        }

        _mosquitto?.Dispose();
        _dir.Dispose();
    }
}
