using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Provisioning;
using Iot.Edge.Agent.Uplink;
using Iot.Edge.Tests.Provisioning;
using Iot.Protocol.Messages;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace Iot.Edge.Tests.Uplink;

/// <summary>
/// The agent's broker session on its own (issue 18 item 1): which broker, as whom, and what the cloud is told about it,
/// against a real MQTTnet broker that records every message. The clock is fake so the times on status and will are exact.
/// </summary>
public sealed class BrokerSessionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Started = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Started.AddMinutes(3));
    private readonly UplinkStatus _status = new();
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private FakeCloud _cloud = null!;

    public async Task InitializeAsync()
    {
        _cloud = await FakeCloud.StartAsync();
        _cloud.Allow("acme.pos-1", "pw");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _cloud.DisposeAsync();
    }

    [Fact]
    public async Task Online_carries_the_time_of_the_connection_and_a_clean_end_says_offline_instead_of_leaving_the_will()
    {
        var session = Session();
        var identity = Identity(new BrokerEndpoint("127.0.0.1", _cloud.Port));
        var connectedAt = _time.GetUtcNow();

        var start = await session.ConnectAsync(identity, session.NextBroker(identity), CancellationToken.None);
        Assert.NotNull(start);
        Assert.True(start.ResendAll, "a first session has nothing the broker kept for it");

        // Broker and TLS are known as soon as the session exists (telemetry may go out before the announcement).
        session.ReportSession(identity, start);
        Assert.Equal("127.0.0.1:" + _cloud.Port, _status.Broker);
        Assert.False(_status.Tls);
        Assert.False(_status.IsConnected);
        _time.Advance(TimeSpan.FromSeconds(30));
        await session.AnnounceOnlineAsync(CancellationToken.None);
        session.ReportConnected(identity, start);

        var online = await _cloud.WaitForAsync<DeviceStatus>(start.Topics.Status, s => s.State == DeviceState.Online, "online status");
        Assert.Equal(connectedAt, online.AtUtc);
        Assert.Equal(Started, online.StartedAtUtc);
        Assert.Equal("first-connect", online.ReconnectReason);
        Assert.True(_status.IsConnected);
        Assert.Equal("127.0.0.1:" + _cloud.Port, _status.Broker);

        _time.Advance(TimeSpan.FromMinutes(5));
        await session.EndAsync("shutdown", CancellationToken.None);

        var offline = await _cloud.WaitForAsync<DeviceStatus>(start.Topics.Status, s => s.State == DeviceState.Offline, "offline status");
        Assert.Equal("shutdown", offline.ReconnectReason);
        Assert.Equal(_time.GetUtcNow(), offline.AtUtc);
        Assert.Null(session.Identity);
        await Task.Delay(300);
        Assert.DoesNotContain(_cloud.Decoded<DeviceStatus>(start.Topics.Status), s => s.ReconnectReason == "connection-lost");
    }

    [Fact]
    public async Task A_connection_lost_without_goodbye_leaves_the_will_with_the_time_of_that_connection()
    {
        var session = Session();
        var identity = Identity(new BrokerEndpoint("127.0.0.1", _cloud.Port));
        var connectedAt = _time.GetUtcNow();
        var start = await session.ConnectAsync(identity, session.NextBroker(identity), CancellationToken.None);
        Assert.NotNull(start);
        await session.AnnounceOnlineAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));

        // Disposing without DISCONNECT is what a crash or a pulled cable looks like to the broker.
        _client.Dispose();

        var will = await _cloud.WaitForAsync<DeviceStatus>(start.Topics.Status, s => s.ReconnectReason == "connection-lost", "last will");
        Assert.Equal(DeviceState.Offline, will.State);
        Assert.Equal(connectedAt, will.AtUtc);

        // Retained, so a cloud that starts later still reads "offline since" rather than a stale "online".
        var retained = await RetainedAsync(start.Topics.Status);
        Assert.Equal(DeviceState.Offline, retained.State);
        Assert.Equal(connectedAt, retained.AtUtc);
    }

    [Fact]
    public async Task A_broker_that_cannot_be_reached_moves_the_list_on_and_the_next_one_takes_the_session()
    {
        var session = Session();
        var dead = new BrokerEndpoint("127.0.0.1", FreePort.Next());
        var alive = new BrokerEndpoint("127.0.0.1", _cloud.Port);
        var identity = Identity(dead, alive);

        var first = session.NextBroker(identity);
        Assert.Equal(dead, first);
        Assert.Null(await session.ConnectAsync(identity, first, CancellationToken.None));
        session.Failed(identity, first);

        var second = session.NextBroker(identity);
        Assert.Equal(alive, second);
        var start = await session.ConnectAsync(identity, second, CancellationToken.None);
        Assert.NotNull(start);
        Assert.Equal(alive, start.Broker);
        Assert.Equal(identity, session.Identity);
    }

    [Fact]
    public async Task A_reconnect_that_finds_its_session_kept_resends_nothing_but_another_identity_resends_everything()
    {
        var session = Session();
        var broker = new BrokerEndpoint("127.0.0.1", _cloud.Port);
        var identity = Identity(broker);
        Assert.NotNull(await session.ConnectAsync(identity, broker, CancellationToken.None));

        // Dropped by the network, not ended: the broker keeps the session and its queued acks.
        await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build());
        var again = await session.ConnectAsync(identity, broker, CancellationToken.None);
        Assert.NotNull(again);
        Assert.True(again.SessionPresent);
        Assert.False(again.ResendAll);

        await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        var other = identity with { DeviceId = "pos-2" };
        var renamed = await session.ConnectAsync(other, broker, CancellationToken.None);
        Assert.NotNull(renamed);
        Assert.True(renamed.ResendAll);
        Assert.Equal(new SessionTopics("acme", "pos-2"), renamed.Topics);
    }

    [Fact]
    public async Task Plain_mqtt_to_a_broker_off_this_machine_is_refused_before_any_password_is_sent()
    {
        var session = Session();
        var remote = new BrokerEndpoint("192.0.2.10", 1883);
        var identity = Identity(remote);

        Assert.Null(await session.ConnectAsync(identity, remote, CancellationToken.None));

        Assert.Null(session.Topics);
        Assert.DoesNotContain(_cloud.Connects, c => c.Username == "acme.pos-1");
    }

    private async Task<DeviceStatus> RetainedAsync(string topic)
    {
        using var reader = new MqttClientFactory().CreateMqttClient();
        var received = new TaskCompletionSource<DeviceStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Retain && Iot.Protocol.Serialization.ProtocolJson.TryDeserialize<DeviceStatus>(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), out _) is { } status)
            {
                received.TrySetResult(status);
            }

            return Task.CompletedTask;
        };
        await reader.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _cloud.Port).WithClientId("late-reader").WithCredentials("svc.cloud", "svc-secret").Build());
        await reader.SubscribeAsync(topic);
        return await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static AgentIdentity Identity(params BrokerEndpoint[] brokers) =>
        new("acme", "pos-1", new BrokerEndpoints(brokers), "acme.pos-1", "pw", FromCredentialsFile: false);

    private BrokerSession Session() =>
        new(_client, _status, Started, homeAssistantStatusTopic: null, new MqttOptions(), _time, NullLogger.Instance);
}
