using Iot.Broker.Tests.Infrastructure;
using Iot.TestSupport;
using MQTTnet;
using static Iot.Broker.Tests.Infrastructure.TestFleet;

namespace Iot.Broker.Tests;

public sealed class EmbeddedBrokerAclTests
{
    private readonly TestFleet _fleet = new();

    [Fact]
    public async Task Every_forbidden_connect_publish_and_subscribe_is_refused_and_counted()
    {
        var db = await _fleet.CreateDatabaseAsync();
        await using var broker = await EmbeddedBrokerHost.StartAsync(db, _fleet);
        await using var watcher = await FleetWatcher.ConnectAsync(broker.Port, _fleet, broker.BridgeSecret);
        var marker = "forbidden-" + Guid.NewGuid().ToString("n");
        var tally = new ProbeTally("embedded MQTTnet");

        await AclProbes.RefusalsAsync(broker.Port, _fleet, tally, marker, brokerBindsClientIdPatterns: true);

        await AclProbes.AssertNothingLeakedAsync(watcher, marker);
        tally.AssertAllRefused();
        // The one $share subscription is refused by MQTTnet itself (no shared subscriptions) before our hook runs.
        Assert.Equal(tally.Refused - 1, broker.Metrics.RefusedTotal);
    }

    [Fact]
    public async Task Own_topics_provisioning_topics_and_service_filters_are_allowed()
    {
        var db = await _fleet.CreateDatabaseAsync();
        await using var broker = await EmbeddedBrokerHost.StartAsync(db, _fleet);
        await using var watcher = await FleetWatcher.ConnectAsync(broker.Port, _fleet, broker.BridgeSecret);

        await AclProbes.AllowedAsync(broker.Port, _fleet, watcher);

        // During a rotation both the current and the pending secret open the door.
        await using var rotated = await MqttProbe.ConnectOrFailAsync(broker.Port, UserA, _fleet.PendingSecretA, UserA);
        Assert.Equal(0, broker.Metrics.RefusedTotal);
    }

    [Fact]
    public async Task A_device_revoked_in_the_database_is_disconnected_within_seconds_and_cannot_reconnect()
    {
        var db = await _fleet.CreateDatabaseAsync();
        await using var broker = await EmbeddedBrokerHost.StartAsync(db, _fleet);
        await using var b = await MqttProbe.ConnectOrFailAsync(broker.Port, UserB, _fleet.SecretB, UserB);

        await db.RevokeDeviceAsync(Tenant, DeviceB);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await b.Disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        Console.WriteLine($"revoked session closed after {clock.ElapsedMilliseconds} ms");

        var (again, code) = await MqttProbe.ConnectAsync(broker.Port, UserB, _fleet.SecretB, UserB);
        Assert.Null(again);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, code);
    }

    [Fact]
    public async Task KickAsync_closes_the_live_session_of_that_username_only()
    {
        var db = await _fleet.CreateDatabaseAsync();
        await using var broker = await EmbeddedBrokerHost.StartAsync(db, _fleet);
        await using var a = await MqttProbe.ConnectOrFailAsync(broker.Port, UserA, _fleet.SecretA, UserA);
        await using var b = await MqttProbe.ConnectOrFailAsync(broker.Port, UserB, _fleet.SecretB, UserB);

        Assert.Equal(1, await broker.Sessions.KickAsync(UserA, CancellationToken.None));

        await a.Disconnected.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(300);
        Assert.True(b.IsConnected, "kicking A must leave B connected");
    }
}
