using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Iot.Bench.Scale;
using Iot.Mqtt;
using Iot.Protocol.Provisioning;
using Iot.TestSupport;
using MQTTnet;

namespace Iot.Bench.Storm;

/// <summary>
/// Where the fleet connects: one bridge process running the embedded broker (<c>Broker:Mode=Embedded</c>, devices
/// checked against PostgreSQL), or the shipped Mosquitto configuration with dynamic security and two bridge processes
/// sharing <c>$share/bridge/…</c>, each reconciling the fleet's credentials into Mosquitto as production does.
/// </summary>
internal sealed class StormTopology : IAsyncDisposable
{
    private readonly DynsecMosquitto? _mosquitto;

    private StormTopology(string name, int port, List<BridgeProcess> bridges, DynsecMosquitto? mosquitto)
    {
        Name = name;
        DevicePort = port;
        Bridges = bridges;
        _mosquitto = mosquitto;
    }

    public string Name { get; }

    public int DevicePort { get; }

    public List<BridgeProcess> Bridges { get; }

    /// <summary>The separate broker process, if there is one (the embedded broker's CPU is the bridge's).</summary>
    public int? BrokerPid => _mosquitto is null ? null : MosquittoPid(_mosquitto);

    public static async Task<StormTopology> EmbeddedAsync(string database, string storage)
    {
        var port = FreePort.Next();
        var bridge = await BridgeProcess.StartAsync("bridge-1", database, storage,
        [
            "--Broker:Mode=Embedded",
            $"--Broker:Port={port.ToString(CultureInfo.InvariantCulture)}",
            "--Broker:ListenAddress=127.0.0.1",
        ]);
        return new StormTopology("embedded broker, 1 bridge", port, [bridge], null);
    }

    public static async Task<StormTopology> MosquittoAsync(string database, string storage, string sealingKey)
    {
        var broker = await DynsecMosquitto.StartAsync();
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        var provisioning = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        string[] settings =
        [
            "--Broker:Mode=External",
            $"--Broker:Port={broker.Port.ToString(CultureInfo.InvariantCulture)}",
            "--Broker:Username=svc.bridge",
            $"--Broker:Password={secret}",
            $"--Broker:ServiceAccounts:bridge={secret}",
            // The bridges' provisioning sessions log in as svc.provisioning, which dynsec learns from the same list; without
            // it Mosquitto refuses them and each bridge logs an error per retry.
            $"--Broker:ServiceAccounts:provisioning={provisioning}",
            $"--Provisioning:Password={provisioning}",
            "--Broker:Dynsec:Enabled=true",
            $"--Broker:Dynsec:AdminPassword={broker.AdminPassword}",
            $"--Broker:Dynsec:SecretKey={sealingKey}",
        ];
        var bridges = new List<BridgeProcess>();
        try
        {
            // One after the other: the first migrates and pushes the fleet into dynsec, the second finds both done.
            // svc.bridge itself exists in Mosquitto only once the first pass is through, so subscribing waits for it.
            bridges.Add(await BridgeProcess.StartAsync("bridge-1", database, storage, settings, TimeSpan.FromMinutes(10)));
            bridges.Add(await BridgeProcess.StartAsync("bridge-2", database, storage, settings, TimeSpan.FromMinutes(10)));
        }
        catch
        {
            foreach (var b in bridges)
            {
                await b.DisposeAsync();
            }

            await broker.DisposeAsync();
            throw;
        }

        return new StormTopology("Mosquitto (dynsec) + 2 bridges on $share", broker.Port, bridges, broker);
    }

    /// <summary>Waits until <paramref name="device"/> may connect (dynsec filled), with a clean one-off session.</summary>
    public async Task<TimeSpan> WaitUntilDevicesAcceptedAsync(StormDevice device, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        var user = MqttIdentities.Device(device.Tenant, device.Device);
        while (true)
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            try
            {
                var result = await client.ConnectAsync(MqttClientOptionsFactory.Create(new MqttConnectSettings
                {
                    Host = "127.0.0.1", Port = DevicePort, ClientId = user, Username = user, Password = device.Secret, CleanStart = true,
                }));
                if (result.ResultCode == MqttClientConnectResultCode.Success)
                {
                    await client.DisconnectAsync();
                    return clock.Elapsed;
                }
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
            }

            if (clock.Elapsed > patience)
            {
                throw new InvalidOperationException($"{Name}: {user} still refused after {patience.TotalSeconds:0} s (credentials not reconciled?)");
            }

            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var bridge in Bridges)
        {
            await bridge.DisposeAsync();
        }

        if (_mosquitto is not null)
        {
            await _mosquitto.DisposeAsync();
        }
    }

    /// <summary>DynsecMosquitto does not expose its process: found by the config path in its command line.</summary>
    private static int? MosquittoPid(DynsecMosquitto broker)
    {
        var config = Path.Combine(Path.GetDirectoryName(broker.LogPath)!, "mosquitto.conf");
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(config, StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
        }

        return null;
    }
}
