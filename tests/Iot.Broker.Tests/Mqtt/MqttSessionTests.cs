using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Iot.Mqtt;
using Iot.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Broker.Tests.Mqtt;

/// <summary>The shared MQTT session (issue 18 item 1) against a real Mosquitto that is killed, restarted and swapped.</summary>
public sealed class MqttSessionTests
{
    private static readonly MqttReconnectPolicy Quick = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(100));

    [Fact]
    public async Task A_kept_session_comes_back_after_the_broker_dies_and_hears_its_subscription_again()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var session = new MqttSession("test-keep", TimeProvider.System);
        var changes = new ConcurrentQueue<MqttSessionStateChange>();
        session.StateChanged += changes.Enqueue;
        var received = new ConcurrentQueue<string>();
        session.MessageReceived += e =>
        {
            received.Enqueue(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        var connects = 0;
        using var stop = new CancellationTokenSource();
        var settings = Settings(broker.Port, "keeper");
        var run = session.RunAsync(() => settings, [new MqttSubscription("t/keep")], Quick, (_, _) =>
        {
            Interlocked.Increment(ref connects);
            return Task.CompletedTask;
        }, ex => changes.Enqueue(new("failed", MqttSessionState.Disconnected, ex.Message, DateTimeOffset.UtcNow, null)), stop.Token);

        await Eventually.WaitAsync(() => Task.FromResult(session.IsConnected), TimeSpan.FromSeconds(10), "first connect");
        await broker.KillAsync();
        await Eventually.WaitAsync(() => Task.FromResult(!session.IsConnected), TimeSpan.FromSeconds(10), "loss noticed");
        await Task.Delay(500);
        await broker.StartAsync(CancellationToken.None);
        await Eventually.WaitAsync(() => Task.FromResult(session.IsConnected && Volatile.Read(ref connects) == 2), TimeSpan.FromSeconds(15), "reconnect");

        // Clean start: only a re-subscription after the reconnect can deliver this.
        await PublishAsync(broker.Port, "t/keep", "after-restart");
        await Eventually.WaitAsync(() => Task.FromResult(received.Contains("after-restart")), TimeSpan.FromSeconds(10), "message after restart");

        await stop.CancelAsync();
        await run;
        var states = changes.ToList();
        Assert.Contains(states, c => c.State == MqttSessionState.Disconnected && c.Attempt is null && c.Session == "test-keep");
        Assert.Contains(states, c => c.Attempt == MqttConnectStatus.Unreachable);
        Assert.Equal(2, states.Count(c => c.State == MqttSessionState.Connected));
        Assert.DoesNotContain(states, c => c.Session == "failed");
    }

    [Fact]
    public async Task A_new_identity_ends_the_old_session_and_connects_as_the_new_one()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var session = new MqttSession("test-switch", TimeProvider.System);
        var changes = new ConcurrentQueue<MqttSessionStateChange>();
        session.StateChanged += changes.Enqueue;
        MqttConnectSettings? wanted = Settings(broker.Port, "first");
        using var stop = new CancellationTokenSource();
        var run = session.RunAsync(() => Volatile.Read(ref wanted), [], Quick, null, _ => { }, stop.Token);
        await Eventually.WaitAsync(() => Task.FromResult(session.IsConnected && session.Current?.ClientId == "first"), TimeSpan.FromSeconds(10), "first identity");

        Volatile.Write(ref wanted, Settings(broker.Port, "second"));
        await Eventually.WaitAsync(() => Task.FromResult(session.IsConnected && session.Current?.ClientId == "second"), TimeSpan.FromSeconds(10), "second identity");

        // No identity at all: the session stays away from the broker.
        Volatile.Write(ref wanted, null);
        await Eventually.WaitAsync(() => Task.FromResult(!session.IsConnected), TimeSpan.FromSeconds(10), "no identity");
        await Task.Delay(400);
        Assert.False(session.IsConnected);

        await stop.CancelAsync();
        await run;
        Assert.Contains(changes, c => c.State == MqttSessionState.Disconnected && c.Reason == "identity-changed" && c.Settings?.ClientId == "first");
        Assert.Contains(changes, c => c.State == MqttSessionState.Disconnected && c.Reason == "no identity" && c.Settings?.ClientId == "second");
    }

    [Fact]
    public async Task Connect_attempts_and_losses_are_counted_by_outcome_and_reason()
    {
        var measured = new ConcurrentQueue<(string Instrument, long Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MqttSessionMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var text = string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
            if (text.Contains("session=test-metrics", StringComparison.Ordinal))
            {
                measured.Enqueue((instrument.Name, value, text));
            }
        });
        listener.Start();

        await using var broker = await MosquittoBroker.StartAsync();
        using var session = new MqttSession("test-metrics", TimeProvider.System);
        var nobody = await session.ConnectAsync(Settings(FreePort.Next(), "m"), [], CancellationToken.None);
        var connected = await session.ConnectAsync(Settings(broker.Port, "m"), [], CancellationToken.None);
        await broker.KillAsync();
        await Eventually.WaitAsync(() => Task.FromResult(!session.IsConnected), TimeSpan.FromSeconds(10), "loss");

        Assert.Equal(MqttConnectStatus.Unreachable, nobody.Status);
        Assert.True(connected.IsConnected);
        Assert.Contains(measured, m => m.Instrument == "iot.mqtt.connect.attempts" && m.Tags.Contains("outcome=unreachable", StringComparison.Ordinal));
        Assert.Contains(measured, m => m.Instrument == "iot.mqtt.connect.attempts" && m.Tags.Contains("outcome=connected", StringComparison.Ordinal));
        Assert.Contains(measured, m => m.Instrument == "iot.mqtt.disconnects");
        Assert.Equal(0, measured.Where(m => m.Instrument == "iot.mqtt.sessions.connected").Sum(m => m.Value));
        Assert.Equal(2, measured.Count(m => m.Instrument == "iot.mqtt.sessions.connected"));
    }

    [Fact]
    public async Task Tls_with_the_pinned_ca_connects_and_a_broker_signed_by_another_ca_does_not()
    {
        using var dir = new TempDirectory("mqtt-session-tls");
        var pki = await MakeCertificatesAsync(dir.Sub("pki"));
        var otherPki = await MakeCertificatesAsync(dir.Sub("other"));
        await using var broker = await MosquittoBroker.StartAsync(new TlsListener(FreePort.Next(), Path.Combine(pki, "server.crt"), Path.Combine(pki, "server.key")));
        await using var impostor = await MosquittoBroker.StartAsync(new TlsListener(FreePort.Next(), Path.Combine(otherPki, "server.crt"), Path.Combine(otherPki, "server.key")));
        var pinned = new MqttTlsSettings { TrustedCa = MqttTlsSettings.LoadCa(Path.Combine(pki, "ca.crt")) };

        using var good = new MqttSession("test-tls", TimeProvider.System);
        var outcome = await good.ConnectAsync(Settings(broker.Tls!.Port, "tls-good") with { Host = "localhost", Tls = pinned }, [new MqttSubscription("t/tls")], CancellationToken.None);
        Assert.True(outcome.IsConnected, outcome.Reason);

        using var fooled = new MqttSession("test-tls", TimeProvider.System);
        MqttConnectOutcome? refused = null;
        try
        {
            refused = await fooled.ConnectAsync(Settings(impostor.Tls!.Port, "tls-bad") with { Host = "localhost", Tls = pinned }, [], CancellationToken.None);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
        {
            // The handshake failure surfaced unwrapped: still no session.
        }

        Assert.False(fooled.IsConnected);
        Assert.NotEqual(MqttConnectStatus.Connected, refused?.Status);
    }

    [Fact]
    public void Reconnect_delays_grow_to_the_ceiling_with_jitter_of_at_most_half()
    {
        var policy = new MqttReconnectPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), random: new Random(7));
        var delays = Enumerable.Range(0, 12).Select(policy.Delay).ToList();

        for (var i = 0; i < delays.Count; i++)
        {
            var ceiling = Math.Min(2000, 100 * Math.Pow(2, i));
            Assert.InRange(delays[i].TotalMilliseconds, ceiling / 2, ceiling);
        }

        // Two devices with different luck do not come back in step.
        var other = new MqttReconnectPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), random: new Random(8));
        Assert.NotEqual(delays, Enumerable.Range(0, 12).Select(other.Delay).ToList());
    }

    private static MqttConnectSettings Settings(int port, string clientId) => new() { Host = "127.0.0.1", Port = port, ClientId = clientId, Timeout = TimeSpan.FromSeconds(3) };

    private static async Task PublishAsync(int port, string topic, string payload)
    {
        using var publisher = new MqttSession("test-publisher", TimeProvider.System);
        var outcome = await publisher.ConnectAsync(Settings(port, "pub-" + Guid.NewGuid().ToString("n")[..6]), [], CancellationToken.None);
        Assert.True(outcome.IsConnected, outcome.Reason);
        var result = await publisher.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), CancellationToken.None);
        Assert.True(result.IsSuccess);
        await publisher.DisconnectAsync("done", null, CancellationToken.None);
    }

    private static async Task<string> MakeCertificatesAsync(string outputDirectory)
    {
        await ExternalTool.RunCheckedAsync("bash", [Path.Combine(RepoPaths.Root, "broker-config", "mosquitto", "make-certs.sh"), outputDirectory]);
        if (Environment.UserName == "root")
        {
            await ExternalTool.RunCheckedAsync("chown", ["-R", "mosquitto:mosquitto", outputDirectory]);
        }

        return outputDirectory;
    }
}
