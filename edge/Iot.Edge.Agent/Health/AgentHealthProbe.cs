using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Agent.Uplink;
using Iot.Edge.Audio;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Health;

/// <summary>
/// Reads the recorder, uplink, outbox, spool and (when the source is a microphone) <see cref="MicStatus"/> into one
/// <see cref="AgentHealthSnapshot"/>. Uptime counts from construction, which the host does while starting.
/// </summary>
public sealed class AgentHealthProbe(
    ChunkOutbox outbox,
    RecorderStatus recorder,
    UplinkStatus uplink,
    AgentConditions conditions,
    IOptions<HealthOptions> options,
    TimeProvider time,
    MicStatus? mic = null)
{
    /// <summary>Below this the next chunks may not fit: the spool is on an SD card that a technician has to clear.</summary>
    internal const long MinSpoolFreeBytes = 64L * 1024 * 1024;

    private readonly long _started = time.GetTimestamp();

    /// <summary>
    /// The agent's start on the wall clock, read once: status and telemetry carry it so the cloud can tell a restart
    /// (a new value) from a reconnect (the same value). Computing it as now - uptime would jitter and look like restarts.
    /// </summary>
    public DateTimeOffset StartedAtUtc { get; } = time.GetUtcNow();
    private readonly TimeSpan _bootGrace = TimeSpan.FromSeconds(options.Value.BootGraceSeconds);

    public AgentHealthSnapshot Capture()
    {
        var now = time.GetUtcNow();
        var uptime = time.GetElapsedTime(_started);
        var faults = conditions.Faults().ToList();
        OutboxStats? stats = null;
        try
        {
            stats = outbox.GetStats();
        }
        catch (Exception ex) when (ex is LiteDB.LiteException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            faults.Add("outbox: unreadable: " + ex.Message);
        }

        var (spoolBytes, spoolFree, spoolTotal) = MeasureSpool(outbox.SpoolDirectory);
        if (spoolFree < MinSpoolFreeBytes)
        {
            faults.Add($"spool: only {spoolFree / (1024 * 1024)} MiB free on the disk of {outbox.SpoolDirectory}");
        }

        return new AgentHealthSnapshot
        {
            AtUtc = now,
            Uptime = uptime,
            StartedAtUtc = StartedAtUtc,
            Version = AgentVersion.Current,
            Booting = uptime < _bootGrace && uplink.Connects == 0,
            Mic = mic?.State,
            MicDevice = mic?.Device?.Name,
            MicError = mic?.LastError,
            Recording = recorder.Recording,
            RecordingReason = recorder.Snapshot.Reason,
            ChunksSealed = recorder.ChunksSealed,
            ChunksLost = recorder.ChunksLost,
            Connected = uplink.IsConnected,
            Connects = uplink.Connects,
            Broker = uplink.Broker,
            Tls = uplink.Tls,
            BrokerFailovers = uplink.Failovers,
            Published = uplink.Published,
            Acked = uplink.Acked,
            AckTimeouts = uplink.AckTimeouts,
            LastAckUtc = uplink.LastAckUtc,
            OutboxDepth = stats?.Pending ?? 0,
            OutboxBytes = stats?.PendingBytes ?? 0,
            Quarantined = stats?.Quarantined ?? 0,
            DroppedChunks = stats?.DroppedTotal ?? 0,
            OldestPendingAge = stats?.OldestPendingUtc is { } oldest ? now - oldest : null,
            SpoolUsageBytes = spoolBytes,
            SpoolFreeBytes = spoolFree,
            SpoolTotalBytes = spoolTotal,
            AwaitingProvisioning = conditions.AwaitingProvisioning,
            VadEngine = conditions.VadEngine,
            Faults = faults,
        };
    }

    private static (long Used, long? Free, long? Total) MeasureSpool(string directory)
    {
        long used = 0;
        long? free = null;
        long? total = null;
        try
        {
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles())
            {
                used += file.Length;
            }

            var drive = new DriveInfo(directory);
            free = drive.AvailableFreeSpace;
            total = drive.TotalSize;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A file deleted while enumerating or an unusual mount: report what was counted rather than nothing.
        }

        return (used, free, total);
    }
}
