using System.Buffers;
using System.Collections.Concurrent;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Faults.Tests.Harness;

/// <summary>
/// Listens to every ack the bridge sends (<c>iot/v1/+/+/ack</c>) from outside, reconnecting across broker restarts.
/// A <c>duplicate</c> ack proves a chunk was committed by an earlier bridge run whose own ack never reached the device.
/// </summary>
public sealed class AckObserver : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly CancellationTokenSource _stop = new();
    private readonly int _port;
    private readonly Task _loop;
    private readonly ConcurrentDictionary<Guid, AckStatus> _settled = new();
    private volatile bool _subscribed;
    private long _stored;
    private long _duplicates;
    private long _rejected;

    private AckObserver(int port)
    {
        _port = port;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var ack = ProtocolJson.TryDeserialize<ChunkAck>(e.ApplicationMessage.Payload.ToArray(), out _);
            if (ack is { ChunkId: { } id, Status: AckStatus.Stored or AckStatus.Duplicate })
            {
                _settled.TryAdd(id, ack.Status);
            }

            switch (ack?.Status)
            {
                case AckStatus.Stored:
                    Interlocked.Increment(ref _stored);
                    break;
                case AckStatus.Duplicate:
                    Interlocked.Increment(ref _duplicates);
                    break;
                case not null:
                    Interlocked.Increment(ref _rejected);
                    break;
            }

            return Task.CompletedTask;
        };
        _loop = KeepConnectedAsync(_stop.Token);
    }

    public long Stored => Interlocked.Read(ref _stored);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>True once any stored/duplicate ack for the chunk has been seen.</summary>
    public bool HasSeenAck(Guid chunkId) => _settled.ContainsKey(chunkId);

    public Task WaitConnectedAsync() =>
        Iot.TestSupport.Eventually.WaitAsync(() => Task.FromResult(_subscribed), TimeSpan.FromSeconds(15), $"ack observer subscribed on port {_port}");

    public static AckObserver Start(int brokerPort) => new(brokerPort);

    public override string ToString() => $"acks-stored={Stored} acks-duplicate={Duplicates} acks-rejected={Rejected}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task KeepConnectedAsync(CancellationToken cancellationToken)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _port)
            .WithClientId("fault-ack-observer-" + Guid.NewGuid().ToString("n")[..8])
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(2))
            .Build();
        var subscribe = new MqttClientSubscribeOptionsBuilder().WithTopicFilter("iot/v1/+/+/ack", MqttQualityOfServiceLevel.AtLeastOnce).Build();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    _subscribed = false;
                    await _client.ConnectAsync(options, cancellationToken);
                    await _client.SubscribeAsync(subscribe, cancellationToken);
                    _subscribed = true;
                }

                await Task.Delay(200, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                // The broker is down on purpose in these tests; keep trying.
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }
}
