using System.Security.Claims;
using Dapper;
using Iot.Dashboard.Alerts;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Microsoft.AspNetCore.Authorization;

namespace Iot.Dashboard.Fleet;

public sealed class DeviceCommandView
{
    public Guid CommandId { get; init; }
    public string Name { get; init; } = "";
    public string Args { get; init; } = "{}";
    public DateTime IssuedAt { get; init; }
    public DateTime? ExpiresAt { get; init; }

    /// <summary>sent, accepted, done, failed, rejected, expired or timeout (device_commands).</summary>
    public string Status { get; init; } = "";
    public string? Detail { get; init; }
    public DateTime? CompletedAt { get; init; }
}

public sealed class DeviceConfigView
{
    public long? DesiredVersion { get; init; }
    public string? Desired { get; init; }
    public DateTime? IssuedAt { get; init; }

    /// <summary>The version the agent says it applied (its reported config, stored by the fleet service's ReportedConfigTracker).</summary>
    public long? ReportedVersion { get; init; }
    public string? ReportedError { get; init; }
    public DateTime? ReportedAt { get; init; }
}

/// <summary>A connect, disconnect or agent restart the fleet service recorded (device_events; cloud receive times).</summary>
public sealed class DeviceEventView
{
    public DateTime At { get; init; }

    /// <summary>online, offline or restart.</summary>
    public string Kind { get; init; } = "";
    public string? Reason { get; init; }
}

/// <summary>
/// Everything the device page shows. <see cref="Alerts"/> is null for a caller without <see cref="Policies.ReadAlerts"/>
/// (today every role that may open the page has it; the check keeps the two policies independent).
/// </summary>
public sealed record DeviceDetail(
    FleetDevice Device,
    DeviceConfigView Config,
    IReadOnlyList<DeviceCommandView> Commands,
    IReadOnlyList<DeviceEventView> Events,
    IReadOnlyList<AlertView>? Alerts);

/// <summary>The device page's reads, all through <see cref="TenantDb"/>: a device of another tenant or branch is null, like a missing one.</summary>
public sealed class DeviceDetails(TenantDb db, FleetQueries fleet, AlertStore alerts, IAuthorizationService authorization)
{
    public const int RecentEvents = 20;

    public async Task<bool> CanReadAlertsAsync(ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, Policies.ReadAlerts).ConfigureAwait(false)).Succeeded;

    public async Task<DeviceDetail?> GetAsync(string deviceId, bool includeAlerts, CancellationToken ct)
    {
        if (await fleet.DeviceAsync(deviceId, includeAlerts, ct).ConfigureAwait(false) is not { } device)
        {
            return null;
        }

        var (config, commands, events) = await db.RunAsync(
            async (c, tx) =>
            {
                var config = await c.QuerySingleOrDefaultAsync<DeviceConfigView>(new CommandDefinition(
                    """
                    SELECT desired_version AS DesiredVersion, desired::text AS Desired, issued_at AS IssuedAt, reported_version AS ReportedVersion,
                           reported_error AS ReportedError, reported_at AS ReportedAt
                    FROM device_configs WHERE device_id = @deviceId
                    """,
                    new { deviceId },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var commands = await c.QueryAsync<DeviceCommandView>(new CommandDefinition(
                    """
                    SELECT command_id AS CommandId, name AS Name, args::text AS Args, issued_at AS IssuedAt, expires_at AS ExpiresAt,
                           status AS Status, detail AS Detail, completed_at AS CompletedAt
                    FROM device_commands WHERE device_id = @deviceId ORDER BY issued_at DESC LIMIT 20
                    """,
                    new { deviceId },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                var events = await c.QueryAsync<DeviceEventView>(new CommandDefinition(
                    $"SELECT at AS At, kind AS Kind, reason AS Reason FROM device_events WHERE device_id = @deviceId ORDER BY at DESC, event_id DESC LIMIT {RecentEvents}",
                    new { deviceId },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                return (config ?? new DeviceConfigView(), commands.AsList(), events.AsList());
            },
            ct).ConfigureAwait(false);
        var open = includeAlerts
            ? (await alerts.ListAsync(new AlertFilter(AlertStates.Open, null, null, deviceId, null, null, AlertStore.MaxPageSize), ct).ConfigureAwait(false)).Items
            : null;
        return new DeviceDetail(device, config, commands, events, open);
    }
}
