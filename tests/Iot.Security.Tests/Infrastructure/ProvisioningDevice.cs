using System.Buffers;
using System.Collections.Concurrent;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>A raw MQTT client playing a device: asks for an identity, then speaks as that identity.</summary>
public sealed class ProvisioningDevice : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly int _port;

    private ProvisioningDevice(int port, string serial, string hardwareId)
    {
        _port = port;
        Serial = serial;
        HardwareId = hardwareId;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Received.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
    }

    public string Serial { get; }

    public string HardwareId { get; }

    public ConcurrentQueue<(string Topic, byte[] Payload, bool Retain)> Received { get; } = new();

    /// <summary>Connects with a claim credential; the embedded broker tells provisioning which claim published.</summary>
    public static Task<ProvisioningDevice> ClaimAsync(int port, string serial, Iot.Provisioning.Admin.ClaimToken claim) =>
        ClaimAsync(port, serial, claim.Username, claim.Secret);

    public static async Task<ProvisioningDevice> ClaimAsync(int port, string serial, string claimUsername, string claimSecret, string? hardwareId = null)
    {
        var device = new ProvisioningDevice(port, serial, hardwareId ?? "hw-" + serial);
        await device.ConnectAsync(MqttIdentities.ClaimClient(serial), claimUsername, claimSecret);
        await device.SubscribeAsync(ProvisioningTopics.Response(serial));
        return device;
    }

    public static async Task<ProvisioningDevice> AsIdentityAsync(int port, DeviceCredentials credentials)
    {
        var device = new ProvisioningDevice(port, credentials.DeviceId, "");
        await device.ConnectAsync(credentials.Username, credentials.Username, credentials.Password);
        await device.SubscribeAsync(TopicTree.Ack(credentials.TenantId, credentials.DeviceId));
        await device.SubscribeAsync(TopicTree.Cmd(credentials.TenantId, credentials.DeviceId));
        await device.SubscribeAsync(TopicTree.Config(credentials.TenantId, credentials.DeviceId));
        return device;
    }

    /// <summary>An operator-side observer logged in as svc.provisioning (devices may not read fleet topics).</summary>
    public static async Task<ProvisioningDevice> AsProvisioningServiceAsync(int port)
    {
        var observer = new ProvisioningDevice(port, "observer", "");
        await observer.ConnectAsync("svc.provisioning.observer", "svc.provisioning", ProvisioningCloud.ProvisioningSecret);
        return observer;
    }

    /// <summary>A service account session (svc.ops, svc.provisioning) for checking what it may read.</summary>
    public static async Task<ProvisioningDevice> AsServiceAsync(int port, string username, string secret, string clientId)
    {
        var session = new ProvisioningDevice(port, clientId, "");
        await session.ConnectAsync(clientId, username, secret);
        return session;
    }

    /// <summary>The broker's answer to one SUBSCRIBE, without asserting it.</summary>
    public async Task<MqttClientSubscribeResultCode> TrySubscribeAsync(string filter)
    {
        var result = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return result.Items.Single().ResultCode;
    }

    /// <summary>The broker's answer to one PUBLISH, or the error that ended the session instead.</summary>
    public async Task<string> TryPublishAsync(string topic, byte[] payload)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var result = await _client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                timeout.Token);
            return result.ReasonCode.ToString();
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            return "session ended: " + ex.GetType().Name;
        }
    }

    /// <summary>Like a current agent: a one-time key per device session, so approved answers come sealed to it.</summary>
    public System.Security.Cryptography.ECDiffieHellman ResponseKey { get; } = CredentialSeal.NewKey();

    /// <summary>Raw answers as received (before opening sealed credentials), for checking what crossed the wire.</summary>
    public ConcurrentQueue<ProvisionResponse> RawAnswers { get; } = new();

    public static string NewNonce() => Guid.NewGuid().ToString("n");

    public ProvisionRequest Request(string? nonce = null) => new()
    {
        Serial = Serial,
        HardwareId = HardwareId,
        Model = "rpi5",
        AgentVersion = "1.2.0",
        Capabilities = new DeviceCapabilities(true, false),
        Nonce = nonce ?? NewNonce(),
        RequestedAtUtc = DateTimeOffset.UtcNow,
        ResponseKey = CredentialSeal.PublicKey(ResponseKey),
    };

    public Task<ProvisionResponse> AskAsync(string? nonce = null, TimeSpan? timeout = null) => AskAsync(Request(nonce), timeout);

    public Task<ProvisionResponse> AskAsync(ProvisionRequest request, TimeSpan? timeout = null) => AskRawAsync(ProtocolJson.Serialize(request), request.Nonce, timeout: timeout);

    public async Task<ProvisionResponse> AskRawAsync(byte[] payload, string expectedNonce, string? serialInTopic = null, TimeSpan? timeout = null)
    {
        Received.Clear();
        await PublishAsync(ProvisioningTopics.Request(serialInTopic ?? Serial), payload);
        var (_, body, _) = await WaitForAsync(m => m.Topic == ProvisioningTopics.Response(serialInTopic ?? Serial)
                                                     && ProtocolJson.TryDeserialize<ProvisionResponse>(m.Payload, out _)?.Nonce == expectedNonce, timeout);
        var answer = ProtocolJson.TryDeserialize<ProvisionResponse>(body, out _)!;
        RawAnswers.Enqueue(answer);
        return answer.SealedCredentials is { } sealedCredentials
            ? answer with { Credentials = CredentialSeal.Open(sealedCredentials, ResponseKey, answer.Nonce) }
            : answer;
    }

    public async Task<ChunkAck> SendChunkAsync(string tenantId, string deviceId)
    {
        var audio = new byte[400];
        Random.Shared.NextBytes(audio);
        var metadata = new ChunkMetadata
        {
            ChunkId = Guid.CreateVersion7(),
            TenantId = tenantId,
            DeviceId = deviceId,
            Sequence = 1,
            StartedAtUtc = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero),
            DurationMs = 10_000,
            SampleRate = 16000,
            Codec = AudioCodecs.OggOpus,
            ByteLength = audio.Length,
            Sha256 = ChunkValidator.Sha256Hex(audio),
            SpeechSegments = [],
        };
        await PublishAsync(TopicTree.Chunk(tenantId, deviceId), ChunkEnvelope.Encode(metadata, audio));
        var (_, body, _) = await WaitForAsync(m => m.Topic == TopicTree.Ack(tenantId, deviceId)
                                                     && ProtocolJson.TryDeserialize<ChunkAck>(m.Payload, out _)?.ChunkId == metadata.ChunkId);
        return ProtocolJson.TryDeserialize<ChunkAck>(body, out _)!;
    }

    public async Task PublishAsync(string topic, byte[] payload, bool retain = false)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(result.IsSuccess, result.ReasonCode.ToString());
    }

    public async Task SubscribeAsync(string filter) =>
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public async Task<(string Topic, byte[] Payload, bool Retain)> WaitForAsync(Func<(string Topic, byte[] Payload, bool Retain), bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            var hit = Received.FirstOrDefault(match);
            if (hit.Topic is not null)
            {
                return hit;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("no matching message; received: " + string.Join("; ", Received.Select(m => m.Topic)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
        ResponseKey.Dispose();
    }

    /// <summary>Connects without asserting success; for checking what the broker refuses.</summary>
    public static async Task<MqttClientConnectResultCode> TryConnectAsync(int port, string clientId, string username, string password)
    {
        // MQTTnet 5 reports a refused CONNECT in the result rather than by throwing.
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port).WithClientId(clientId).WithCredentials(username, password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        return result.ResultCode;
    }

    public bool IsConnected => _client.IsConnected;

    private async Task ConnectAsync(string clientId, string username, string password)
    {
        var result = await _client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _port)
            .WithClientId(clientId)
            .WithCredentials(username, password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
    }
}
