using System.Diagnostics;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Agent.Health;
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
    AgentHealthProbe health,
    RecorderStatus recorder,
    RecordingPolicyStore policy,
    Provisioning.DeviceIdentityStore identity,
    IOptions<MqttOptions> mqtt,
    IOptions<AudioOptions> audio,
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

    /// <summary>
    /// Built from the same snapshot as /health and the status LED, so all three report one truth (e.g. whether a
    /// microphone is part of this device at all); telemetry adds only what the snapshot does not carry.
    /// </summary>
    internal DeviceTelemetry Sample()
    {
        var snapshot = health.Capture();
        var recording = recorder.Snapshot;
        using var process = Process.GetCurrentProcess();
        return new DeviceTelemetry
        {
            AtUtc = snapshot.AtUtc,
            OutboxDepth = snapshot.OutboxDepth,
            OutboxBytes = snapshot.OutboxBytes,
            OldestPendingAgeSeconds = snapshot.OldestPendingAge?.TotalSeconds,
            QuarantinedChunks = snapshot.Quarantined,
            LastAckUtc = snapshot.LastAckUtc,
            Recording = snapshot.Recording,
            RecordingReason = snapshot.RecordingReason,
            TransactionId = recording.TransactionId,
            LastRefusal = recording.LastRefusal is { } r ? $"{r.TransactionId ?? "-"}: {r.Reason} at {r.AtUtc:O}" : null,
            Mic = snapshot.Mic?.ToString().ToLowerInvariant(),
            DroppedChunks = snapshot.DroppedChunks,
            LostChunks = snapshot.ChunksLost,
            RssBytes = process.WorkingSet64,
            AgentVersion = snapshot.Version,
            StartedAtUtc = snapshot.StartedAtUtc,
            SpoolFreeBytes = snapshot.SpoolFreeBytes,
            SpoolTotalBytes = snapshot.SpoolTotalBytes,
            MicName = snapshot.MicDevice ?? FileSourceName(audio.Value),
            RecordingTrigger = policy.Current.Options.Trigger.ToString(),
            Tls = snapshot.Tls,
            Broker = snapshot.Broker,
        };
    }

    /// <summary>A file source has no device, but which recording it replays is what an operator looking at it wants to know.</summary>
    private static string? FileSourceName(AudioOptions audio) =>
        audio.Source == AudioOptions.WavSource && !string.IsNullOrEmpty(audio.WavPath) ? Path.GetFileName(audio.WavPath) : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telemetry publish failed")]
    private partial void LogPublishFailed(Exception exception);
}
