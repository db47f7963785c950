using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Iot.Edge.Tests.Provisioning;

/// <summary>
/// A real MQTTnet broker with password checks (like the bridge's embedded one), plus a cloud-side client that answers
/// provisioning requests with whatever <see cref="Responder"/> says and records everything published.
/// </summary>
internal sealed class FakeCloud : IAsyncDisposable
{
    public const string ClaimId = "c1";
    public const string ClaimSecret = "claim-secret-123";

    private readonly MqttServer _server;
    private readonly IMqttClient _cloud = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<string, string> _passwords = new();

    private FakeCloud(int port)
    {
        Port = port;
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions()
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(options);
        _server.ValidatingConnectionAsync += e =>
        {
            Connects.Enqueue(new Connect(e.ClientId, e.UserName, e.Password));
            if (e.UserName is null || !_passwords.TryGetValue(e.UserName, out var expected) || expected != e.Password)
            {
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            }

            return Task.CompletedTask;
        };
        _server.InterceptingSubscriptionAsync += e =>
        {
            if (RefuseHomeAssistant && e.ClientId != "svc.cloud" && e.TopicFilter.Topic.StartsWith("homeassistant/", StringComparison.Ordinal))
            {
                e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            }

            return Task.CompletedTask;
        };
        _server.InterceptingPublishAsync += e =>
        {
            if (RefuseHomeAssistant && e.ClientId != "svc.cloud" && e.ApplicationMessage.Topic.StartsWith("homeassistant/", StringComparison.Ordinal))
            {
                e.ProcessPublish = false;
                e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            }

            return Task.CompletedTask;
        };
        Allow(MqttIdentities.ClaimUser(ClaimId), ClaimSecret);
        Allow("svc.cloud", "svc-secret");
    }

    public int Port { get; }

    /// <summary>Behave like a cloud broker whose device ACL has no Home Assistant topics.</summary>
    public bool RefuseHomeAssistant { get; set; }

    public string Broker => "127.0.0.1:" + Port;

    public ConcurrentQueue<Connect> Connects { get; } = new();

    public ConcurrentQueue<ProvisionRequest> Requests { get; } = new();

    public ConcurrentQueue<Received> Messages { get; } = new();

    /// <summary>The answers to a request, published in order on its response topic; none = silence.</summary>
    public Func<ProvisionRequest, int, IEnumerable<ProvisionResponse>> Responder { get; set; } = (_, _) => [];

    public static async Task<FakeCloud> StartAsync()
    {
        var cloud = new FakeCloud(FreePort.Next());
        await cloud._server.StartAsync();
        cloud._cloud.ApplicationMessageReceivedAsync += cloud.OnMessageAsync;
        await cloud._cloud.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", cloud.Port)
            .WithClientId("svc.cloud")
            .WithCredentials("svc.cloud", "svc-secret")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build());
        await cloud._cloud.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(ProvisioningTopics.AllRequests, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("iot/v1/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("homeassistant/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        return cloud;
    }

    public void Allow(string username, string password) => _passwords[username] = password;

    /// <summary>Answers every request with Pending, retry in a minute: "an operator has not decided yet".</summary>
    public void PendForever() => Responder = (r, _) => [Answer(r, ProvisionStatus.Pending, retryAfter: 60)];

    public static DeviceCredentials Credentials(string tenant, string device, string password) =>
        new(tenant, device, "branch-1", MqttIdentities.Device(tenant, device), password);

    public static ProvisionResponse Answer(ProvisionRequest request, ProvisionStatus status, DeviceCredentials? credentials = null, int? retryAfter = null, string? nonce = null, DeviceConfigDocument? config = null) => new()
    {
        Nonce = nonce ?? request.Nonce,
        Status = status,
        Reason = status is ProvisionStatus.Rejected or ProvisionStatus.Invalid ? "test says " + status : null,
        RetryAfterSeconds = retryAfter,
        Credentials = credentials,
        Config = config,
        AtUtc = DateTimeOffset.UtcNow,
    };

    public Task PublishAsync(string topic, DeviceCommand message) => PublishBytesAsync(topic, ProtocolJson.Serialize(message), retain: false);

    public Task PublishAsync(string topic, DeviceConfigDocument message, bool retain = false) => PublishBytesAsync(topic, ProtocolJson.Serialize(message), retain);

    public Task PublishAsync(string topic, ProvisionResponse message) => PublishBytesAsync(topic, ProtocolJson.Serialize(message), retain: false);

    private Task PublishBytesAsync(string topic, byte[] payload, bool retain) =>
        _cloud.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build());

    public Task PublishRawAsync(string topic, string payload, bool retain = false) =>
        _cloud.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public IReadOnlyList<Received> On(string topic) => Messages.Where(m => m.Topic == topic).ToList();

    public IReadOnlyList<T> Decoded<T>(string topic)
        where T : class =>
        On(topic).Select(m => ProtocolJson.TryDeserialize<T>(m.Payload, out _)).OfType<T>().ToList();

    public async Task<T> WaitForAsync<T>(string topic, Func<T, bool> match, string what, int seconds = 20)
        where T : class
    {
        T? found = null;
        await Eventually.WaitAsync(
            () => Task.FromResult((found = Decoded<T>(topic).LastOrDefault(match)) is not null),
            TimeSpan.FromSeconds(seconds),
            what,
            () => Task.FromResult(string.Join(" | ", Messages.Select(m => m.Topic + " " + System.Text.Encoding.UTF8.GetString(m.Payload)).TakeLast(8))));
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _cloud.DisconnectAsync();
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
        }

        _cloud.Dispose();
        await _server.StopAsync();
        _server.Dispose();
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var payload = e.ApplicationMessage.Payload.ToArray();
        Messages.Enqueue(new Received(e.ApplicationMessage.Topic, payload, e.ApplicationMessage.Retain));
        if (!ProvisioningTopics.TryParseRequest(e.ApplicationMessage.Topic, out var serial)
            || ProtocolJson.TryDeserialize<ProvisionRequest>(payload, out _) is not { } request)
        {
            return;
        }

        Requests.Enqueue(request);
        var responses = Responder(request, Requests.Count).ToList();

        // Published from a separate task: awaiting a QoS 1 publish inside the receive handler would stall its loop.
        _ = Task.Run(async () =>
        {
            foreach (var response in responses)
            {
                await PublishAsync(ProvisioningTopics.Response(serial), response);
            }
        });
        await Task.CompletedTask;
    }

    public sealed record Connect(string ClientId, string? Username, string? Password);

    public sealed record Received(string Topic, byte[] Payload, bool Retain);
}
