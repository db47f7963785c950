using System.Buffers;
using System.Collections.Concurrent;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Faults.Tests.Fuzz;

/// <summary>
/// An authenticated MQTT 5 session (device or claim) that publishes anything and tallies what comes back: the
/// bridge's chunk acks (device) or provisioning answers (claim), and the broker's PUBACK refusals.
/// </summary>
public sealed class FuzzClient : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private long _answers;
    private long _refused;

    /// <summary>"rejected:Malformed", "stored", "duplicate", "invalid", ... → count.</summary>
    public ConcurrentDictionary<string, long> Answers { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<ChunkAck> Acks { get; } = new();

    public long AnswerCount => Interlocked.Read(ref _answers);

    public long RefusedCount => Interlocked.Read(ref _refused);

    public static async Task<FuzzClient> ConnectAsync(int port, string clientId, string username, string password, string answerTopic, CancellationToken ct)
    {
        var fuzz = new FuzzClient();
        fuzz._client.ApplicationMessageReceivedAsync += e =>
        {
            fuzz.OnAnswer(e.ApplicationMessage.Payload.ToArray());
            return Task.CompletedTask;
        };
        var result = await fuzz._client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            .WithCredentials(username, password)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .Build(), ct);
        Assert.True(result.ResultCode == MqttClientConnectResultCode.Success, $"{username} could not connect: {result.ResultCode} {result.ReasonString}");
        var sub = await fuzz._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(answerTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, sub.Items.Single().ResultCode);
        return fuzz;
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Publishes at QoS 1; returns false when the broker refused it (PUBACK NotAuthorized).</summary>
    public async Task<bool> PublishAsync(FuzzMessage message, CancellationToken ct)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        foreach (var (name, value) in message.UserProperties)
        {
            builder = builder.WithUserProperty(name, System.Text.Encoding.UTF8.GetBytes(value).AsMemory());
        }

        var result = await _client.PublishAsync(builder.Build(), ct);
        if (result.ReasonCode == MqttClientPublishReasonCode.NotAuthorized)
        {
            Interlocked.Increment(ref _refused);
            return false;
        }

        Assert.True(result.IsSuccess, $"{message.Category} on {Shorten(message.Topic)}: PUBACK {result.ReasonCode}");
        return true;
    }

    /// <summary>
    /// Publishes a packet the broker must not route; returns the PUBACK reason, or null when the session was closed
    /// before the PUBACK arrived (both are what MQTT 5 allows for a packet over the server's maximum).
    /// </summary>
    public async Task<MqttClientPublishReasonCode?> PublishTooLargeAsync(string topic, byte[] payload, CancellationToken ct)
    {
        try
        {
            var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
            return result.ReasonCode;
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    internal static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + $"…({s.Length} chars)";

    private void OnAnswer(byte[] payload)
    {
        string key;
        if (ProtocolJson.TryDeserialize<ChunkAck>(payload, out _) is { } ack && ack.Status is AckStatus.Stored or AckStatus.Duplicate or AckStatus.Rejected)
        {
            Acks.Enqueue(ack);
            key = ack.Status == AckStatus.Rejected ? $"rejected:{ack.Reason}" : ack.Status.ToString().ToLowerInvariant();
        }
        else if (ProtocolJson.TryDeserialize<ProvisionResponse>(payload, out _) is { } response)
        {
            key = response.Status.ToString().ToLowerInvariant();
        }
        else
        {
            key = "unreadable";
        }

        Answers.AddOrUpdate(key, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _answers);
    }
}
