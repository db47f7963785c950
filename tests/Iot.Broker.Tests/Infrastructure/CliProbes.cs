using Iot.Protocol.Provisioning;
using Iot.Protocol.Topics;
using Iot.TestSupport;
using static Iot.Broker.Tests.Infrastructure.TestFleet;

namespace Iot.Broker.Tests.Infrastructure;

/// <summary>
/// The same kind of attempts with the Mosquitto command-line clients (MQTT 5), including over the TLS listener.
/// mosquitto_pub exits 0 after a refused QoS 1 publish and only warns, so its stderr is read, and the watcher checks
/// that nothing arrived.
/// </summary>
public static class CliProbes
{
    public static async Task RefusalsAsync(DynsecMosquitto broker, TestFleet f, ProbeTally tally, string marker)
    {
        async Task Pub(string what, string user, string password, string clientId, string topic, bool tls = false)
        {
            var r = await ExternalTool.RunAsync("mosquitto_pub", [.. Connection(broker, user, password, clientId, tls), "-t", topic, "-m", marker], TimeSpan.FromSeconds(20));
            tally.RecordPublish("mosquitto_pub " + what, topic, r.ExitCode != 0 || r.StdErr.Contains("not authori", StringComparison.OrdinalIgnoreCase), $"exit {r.ExitCode} {r.StdErr.Trim()}");
        }

        async Task Sub(string what, string user, string password, string clientId, string filter)
        {
            var r = await ExternalTool.RunAsync("mosquitto_sub", [.. Connection(broker, user, password, clientId, false), "-t", filter, "-W", "2"], TimeSpan.FromSeconds(20));
            tally.Record("mosquitto_sub " + what, r.StdErr.Contains("denied", StringComparison.OrdinalIgnoreCase) || r.StdErr.Contains("not authori", StringComparison.OrdinalIgnoreCase), $"exit {r.ExitCode} {r.StdErr.Trim()}");
        }

        await Pub("device A to B's chunk", UserA, f.SecretA, UserA, TopicTree.Chunk(Tenant, DeviceB));
        await Pub("device A to its own ack", UserA, f.SecretA, UserA, TopicTree.Ack(Tenant, DeviceA));
        await Pub("device A to B's status over TLS", UserA, f.SecretA, UserA, TopicTree.Status(Tenant, DeviceB), tls: true);
        await Pub("claim to device A's chunk", ClaimUser, f.ClaimSecret, ClaimClient, TopicTree.Chunk(Tenant, DeviceA));
        await Pub("with a wrong password", UserA, "wrong-password", UserA, TopicTree.Telemetry(Tenant, DeviceA));
        await Pub("with a wrong password over TLS", UserA, "wrong-password", UserA, TopicTree.Telemetry(Tenant, DeviceA), tls: true);
        await Pub("as a revoked device", UserRevoked, f.SecretRevoked, UserRevoked, TopicTree.Telemetry(Tenant, Revoked));
        await Pub("with client id other than the username", UserA, f.SecretA, "someone-else", TopicTree.Telemetry(Tenant, DeviceA));
        await Sub("device A to #", UserA, f.SecretA, UserA, "#");
        await Sub("device A to every ack", UserA, f.SecretA, UserA, "iot/v1/+/+/ack");
        await Sub("device A to B's cmd", UserA, f.SecretA, UserA, TopicTree.Cmd(Tenant, DeviceB));
        await Sub("claim to every provisioning response", ClaimUser, f.ClaimSecret, ClaimClient, ProvisioningTopics.Prefix + "+/response");
    }

    /// <summary>A device publishing its telemetry over TLS (server verified against the test CA) is accepted.</summary>
    public static async Task AllowedOverTlsAsync(DynsecMosquitto broker, TestFleet f, FleetWatcher watcher)
    {
        var r = await ExternalTool.RunAsync("mosquitto_pub", [.. Connection(broker, UserA, f.SecretA, UserA, tls: true), "-t", TopicTree.Telemetry(Tenant, DeviceA), "-m", "tls-ok"], TimeSpan.FromSeconds(20));
        Assert.True(r.ExitCode == 0 && r.StdErr.Length == 0, $"TLS publish failed: exit {r.ExitCode} {r.StdErr}");
        await Eventually.WaitAsync(() => Task.FromResult(watcher.Received.Any(m => m.Payload == "tls-ok")), TimeSpan.FromSeconds(5), "the TLS publish to reach the watcher");
    }

    private static string[] Connection(DynsecMosquitto broker, string user, string password, string clientId, bool tls) =>
    [
        "-h", tls ? "localhost" : "127.0.0.1", "-p", (tls ? broker.TlsPort : broker.Port).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "-V", "mqttv5", "-q", "1", "-u", user, "-P", password, "-i", clientId,
        .. tls ? new[] { "--cafile", broker.CaFile } : [],
    ];
}
