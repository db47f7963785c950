using Iot.Dashboard.Data;
using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Fleet;

public sealed class FleetDevice
{
    public string DeviceId { get; init; } = "";
    public string? DisplayName { get; init; }
    public string? BranchId { get; init; }
    public string? Model { get; init; }
    public string? AgentVersion { get; init; }
    public DateTime? LastSeenAt { get; init; }
    public DateTime? RevokedAt { get; init; }
    public bool Enabled { get; init; }

    /// <summary>online, offline, never-seen, revoked or disabled.</summary>
    public string Status { get; set; } = "";
}

public sealed class FleetQueries(TenantDb db, TimeProvider time, IOptions<DashboardOptions> options)
{
    public async Task<IReadOnlyList<FleetDevice>> DevicesAsync(CancellationToken ct)
    {
        var rows = await db.QueryAsync<FleetDevice>(
            """
            SELECT device_id AS DeviceId, display_name AS DisplayName, branch_id AS BranchId, model AS Model, agent_version AS AgentVersion,
                   last_seen_at AS LastSeenAt, revoked_at AS RevokedAt, enabled AS Enabled
            FROM devices ORDER BY branch_id NULLS LAST, device_id
            """,
            null,
            ct).ConfigureAwait(false);
        var onlineSince = time.GetUtcNow().UtcDateTime.AddSeconds(-options.Value.OnlineWindowSeconds);
        foreach (var d in rows)
        {
            d.Status = d.RevokedAt is not null ? "revoked"
                : !d.Enabled ? "disabled"
                : d.LastSeenAt is null ? "never-seen"
                : d.LastSeenAt >= onlineSince ? "online"
                : "offline";
        }

        return rows;
    }
}
