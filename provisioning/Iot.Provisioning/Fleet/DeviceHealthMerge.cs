using Iot.Protocol.Messages;

namespace Iot.Provisioning.Fleet;

/// <summary>What the database holds for one device before a write (the row is locked while it is merged).</summary>
internal sealed record StoredHealth(string DeviceId, string? State, DateTime? StateAt, DateTime? StartedAt, DateTime? TelemetryAt, DateTime? MicMissingSince);

/// <summary>A status or telemetry message as heard, with the cloud's receive time.</summary>
internal readonly record struct Heard<T>(T Message, DateTimeOffset ReceivedAt);

/// <summary>Status and telemetry heard for one device since the last write.</summary>
internal sealed class PendingHealth(string tenantId)
{
    /// <summary>A crash-looping agent can publish several statuses between two writes; each may be a restart to count.</summary>
    public const int MaxStatuses = 32;

    public string TenantId { get; } = tenantId;

    public List<Heard<DeviceStatus>> Statuses { get; } = [];

    public Heard<DeviceTelemetry>? Telemetry { get; set; }

    /// <summary>Keeps the newest <see cref="MaxStatuses"/> statuses and the newest telemetry; returns how many it dropped.</summary>
    public int Absorb(PendingHealth other)
    {
        Statuses.AddRange(other.Statuses);
        if (other.Telemetry is { } t && (Telemetry is not { } mine || t.Message.AtUtc > mine.Message.AtUtc))
        {
            Telemetry = t;
        }

        return Trim();
    }

    public int Trim()
    {
        var excess = Statuses.Count - MaxStatuses;
        if (excess <= 0)
        {
            return 0;
        }

        Statuses.Sort((a, b) => a.Message.AtUtc.CompareTo(b.Message.AtUtc));
        Statuses.RemoveRange(0, excess);
        return excess;
    }
}

/// <summary>The merged row to write, and the device events the merge found.</summary>
internal sealed record HealthUpdate(
    string DeviceId,
    string TenantId,
    bool SetStatus,
    string? State,
    DateTimeOffset? StateAt,
    DateTimeOffset? StateReceivedAt,
    string? ReconnectReason,
    string? AgentVersion,
    DateTimeOffset? StartedAt,
    bool SetTelemetry,
    DeviceTelemetry? Telemetry,
    DateTimeOffset? TelemetryAt,
    DateTimeOffset? TelemetryReceivedAt,
    DateTimeOffset? MicMissingSince,
    DateTimeOffset HeardAt);

internal sealed record DeviceEvent(string DeviceId, string TenantId, DateTimeOffset At, string Kind, string? Reason);

/// <summary>
/// Newest-wins merge of heard messages into the stored row, finding state changes and restarts. Times compared are the
/// device's (<c>atUtc</c>), so a message delivered late, or heard late by a second bridge, never rolls the row back.
/// </summary>
internal static class DeviceHealthMerge
{
    /// <summary>The reason an agent gives on the first connect after its process started.</summary>
    public const string FirstConnect = "first-connect";

    /// <summary>The reason in an agent's last will.</summary>
    public const string ConnectionLost = "connection-lost";

    /// <summary>
    /// Agents older than <see cref="DeviceStatus.StartedAtUtc"/> stamp their will a moment before their online status, so
    /// the will of the current session looks older than it: accepted when at most this much older.
    /// </summary>
    public static readonly TimeSpan LegacyWillSlack = TimeSpan.FromSeconds(15);

    public static (HealthUpdate? Update, List<DeviceEvent> Events) Merge(StoredHealth stored, PendingHealth pending)
    {
        var events = new List<DeviceEvent>();
        string? state = stored.State;
        DateTimeOffset? stateAt = Utc(stored.StateAt);
        DateTimeOffset? startedAt = Utc(stored.StartedAt);
        DateTimeOffset? stateReceivedAt = null;
        string? reason = null;
        string? version = null;
        var setStatus = false;
        var heardAt = DateTimeOffset.MinValue;
        foreach (var (status, receivedAt) in pending.Statuses.OrderBy(s => s.Message.AtUtc).ThenBy(s => s.ReceivedAt))
        {
            heardAt = Max(heardAt, receivedAt);
            var incoming = status.State == DeviceState.Online ? "online" : "offline";
            if (!IsNewer(status, incoming, state, stateAt))
            {
                continue;
            }

            if (incoming == "online" && IsRestart(status, state, startedAt))
            {
                events.Add(new DeviceEvent(stored.DeviceId, pending.TenantId, receivedAt, "restart", status.ReconnectReason));
            }

            if (incoming != state)
            {
                events.Add(new DeviceEvent(stored.DeviceId, pending.TenantId, receivedAt, incoming, status.ReconnectReason));
            }

            state = incoming;
            stateAt = status.AtUtc;
            stateReceivedAt = receivedAt;
            reason = status.ReconnectReason;
            version = status.AgentVersion ?? version;
            startedAt = status.StartedAtUtc ?? startedAt;
            setStatus = true;
        }

        var setTelemetry = false;
        DeviceTelemetry? telemetry = null;
        DateTimeOffset? telemetryReceivedAt = null;
        DateTimeOffset? micMissingSince = Utc(stored.MicMissingSince);
        if (pending.Telemetry is { } t)
        {
            heardAt = Max(heardAt, t.ReceivedAt);
            if (stored.TelemetryAt is not { } before || t.Message.AtUtc > Utc(before))
            {
                setTelemetry = true;
                telemetry = t.Message;
                telemetryReceivedAt = t.ReceivedAt;
                micMissingSince = t.Message.Mic == "missing" ? micMissingSince ?? t.ReceivedAt : null;
                version ??= t.Message.AgentVersion;
            }
        }

        if (heardAt == DateTimeOffset.MinValue)
        {
            return (null, events);
        }

        return (new HealthUpdate(
            stored.DeviceId, pending.TenantId, setStatus, state, stateAt, stateReceivedAt, reason, version, startedAt,
            setTelemetry, telemetry, telemetry?.AtUtc, telemetryReceivedAt, micMissingSince, heardAt), events);
    }

    /// <summary>
    /// Later wins. On a tie an offline status replaces an online one: a session's will carries the same time as its online
    /// status and always comes after it. An old agent's will (no <c>startedAtUtc</c>) may be up to
    /// <see cref="LegacyWillSlack"/> older than the online status it ends.
    /// </summary>
    private static bool IsNewer(DeviceStatus status, string incoming, string? state, DateTimeOffset? stateAt)
    {
        if (stateAt is not { } current || status.AtUtc > current)
        {
            return true;
        }

        if (incoming != "offline" || state != "online")
        {
            return false;
        }

        return status.AtUtc == current
            || (status.StartedAtUtc is null && status.ReconnectReason == ConnectionLost && current - status.AtUtc <= LegacyWillSlack);
    }

    /// <summary>
    /// A restart is an online status from a new process: a different <c>startedAtUtc</c> than the last status carried
    /// (none before counts as different: an agent upgraded to one that sends it), or, from agents that do not send it,
    /// <see cref="FirstConnect"/>. The first status ever heard of a device is its first appearance, not a restart.
    /// </summary>
    private static bool IsRestart(DeviceStatus status, string? state, DateTimeOffset? startedAt)
    {
        if (state is null)
        {
            return false;
        }

        return status.StartedAtUtc is { } started ? startedAt != started : status.ReconnectReason == FirstConnect;
    }

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
