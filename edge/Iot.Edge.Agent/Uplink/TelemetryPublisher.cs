using System.Diagnostics;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Audio;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Edge.Agent.Uplink;

/// <summary>Publishes outbox and recorder health on the telemetry topic for operators watching the broker.</summary>
internal sealed partial class TelemetryPublisher(
    IMqttClient client,
    ChunkOutbox outbox,
    RecorderStatus recorder,
    MicStatus mic,
    UplinkStatus uplink,
    Provisioning.DeviceIdentityStore identity,
    IOptions<MqttOptions> mqtt,
    TimeProvider time,
    ILogger<TelemetryPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(mqtt.Value.TelemetrySeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!client.IsConnected || identity.Current is not { } who)
                {
                    continue;
                }

                var topic = TopicTree.Telemetry(who.TenantId, who.DeviceId);

                try
                {
                    await client.PublishAsync(
                        new MqttApplicationMessageBuilder()
                            .WithTopic(topic)
                            .WithPayload(ProtocolJson.Serialize(Sample()))
                            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
                            .Build(),
                        stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPublishFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal DeviceTelemetry Sample()
    {
        var stats = outbox.GetStats();
        var now = time.GetUtcNow();
        var recording = recorder.Snapshot;
        using var process = Process.GetCurrentProcess();
        return new DeviceTelemetry
        {
            AtUtc = now,
            OutboxDepth = stats.Pending,
            OutboxBytes = stats.PendingBytes,
            OldestPendingAgeSeconds = stats.OldestPendingUtc is { } oldest ? (now - oldest).TotalSeconds : null,
            QuarantinedChunks = stats.Quarantined,
            LastAckUtc = uplink.LastAckUtc,
            Recording = recorder.Recording,
            RecordingReason = recording.Reason,
            TransactionId = recording.TransactionId,
            LastRefusal = recording.LastRefusal is { } r ? $"{r.TransactionId ?? "-"}: {r.Reason} at {r.AtUtc:O}" : null,
            Mic = mic.Device is null && mic.State == MicState.Missing && mic.LastError is null ? null : mic.State.ToString().ToLowerInvariant(),
            DroppedChunks = stats.DroppedTotal,
            LostChunks = recorder.ChunksLost,
            RssBytes = process.WorkingSet64,
            AgentVersion = AgentVersion.Current,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telemetry publish failed")]
    private partial void LogPublishFailed(Exception exception);
}
