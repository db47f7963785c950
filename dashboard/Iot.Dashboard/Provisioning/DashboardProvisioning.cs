using Iot.Dashboard.Data;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Api;

namespace Iot.Dashboard.Provisioning;

public sealed class PendingRequest
{
    public Guid RequestId { get; init; }
    public string Serial { get; init; } = "";
    public string HardwareId { get; init; } = "";
    public string Model { get; init; } = "";
    public string AgentVersion { get; init; } = "";
    public string? BranchId { get; init; }
    public string? DeviceId { get; init; }
    public DateTime ReceivedAt { get; init; }
}

/// <summary>One decision about an already known device (re-provisioning): who asked, what proved it, what happened.</summary>
public sealed class ReprovisionDecision
{
    public DateTime At { get; init; }
    public string? DeviceId { get; init; }
    public string Serial { get; init; } = "";
    public string? BranchId { get; init; }
    public string Outcome { get; init; } = "";
    public string Proof { get; init; } = "";
    public string? Reason { get; init; }
    public string? DecidedBy { get; init; }
}

/// <summary>Raised when a request names something outside the caller's tenant; endpoints answer 404, as for a missing id.</summary>
public sealed class NotInTenantException : Exception
{
    public NotInTenantException()
    {
    }

    public NotInTenantException(string message)
        : base(message)
    {
    }

    public NotInTenantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The dashboard face of the bridge's operator API: the decisions, their scope check and their audit rows are the
/// bridge's; this class lists pending requests from its own row-secured tables and first proves through
/// <see cref="TenantDb"/> that the serial, branch and CSV lines belong to the caller, with the dashboard's own messages.
/// </summary>
public sealed class DashboardProvisioning(TenantDb db, OperatorApi api)
{
    /// <summary>
    /// Pending requests have tenant-only row security; one already assigned to a branch (pre-registration, claim) belongs
    /// to that branch's staff, so a request is the caller's when it has no branch yet or its branch is visible.
    /// </summary>
    private const string InCallersBranches = "(branch_id IS NULL OR EXISTS (SELECT 1 FROM branches b WHERE b.branch_id = provisioning_requests.branch_id))";

    public Task<IReadOnlyList<PendingRequest>> PendingAsync(CancellationToken ct) =>
        db.QueryAsync<PendingRequest>(
            $"""
            SELECT request_id AS RequestId, serial AS Serial, hardware_id AS HardwareId, model AS Model, agent_version AS AgentVersion,
                   branch_id AS BranchId, device_id AS DeviceId, received_at AS ReceivedAt
            FROM provisioning_requests WHERE status = 'pending' AND {InCallersBranches} ORDER BY received_at
            """,
            null,
            ct);

    /// <summary>
    /// The newest re-provisioning decisions (provisioning_audit, written by the bridge); row security limits them to the
    /// caller's tenant and, for a branch-scoped user, to devices of the caller's branches.
    /// </summary>
    public Task<IReadOnlyList<ReprovisionDecision>> ReprovisioningAsync(int limit, CancellationToken ct) =>
        db.QueryAsync<ReprovisionDecision>(
            """
            SELECT at AS At, device_id AS DeviceId, serial AS Serial, branch_id AS BranchId, outcome AS Outcome, proof AS Proof,
                   reason AS Reason, decided_by AS DecidedBy
            FROM provisioning_audit ORDER BY at DESC, audit_id DESC LIMIT @limit
            """,
            new { limit = Math.Clamp(limit, 1, 500) },
            ct);

    public async Task<string> ApproveAsync(string serial, string? branchId, string? deviceId, CancellationToken ct)
    {
        await RequirePendingAsync(serial, ct).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(branchId)
            && await db.QuerySingleAsync<bool>("SELECT EXISTS (SELECT 1 FROM branches WHERE branch_id = @branchId)", new { branchId }, ct).ConfigureAwait(false) is false)
        {
            throw new NotInTenantException($"branch '{branchId}' not found");
        }

        var device = await api.CallAsync((actions, who) => actions.ApproveAsync(who, serial, new ApproveBody(NullIfEmpty(branchId), NullIfEmpty(deviceId)), ct)).ConfigureAwait(false);
        return device.DeviceId;
    }

    public async Task RejectAsync(string serial, string reason, CancellationToken ct)
    {
        await RequirePendingAsync(serial, ct).ConfigureAwait(false);
        await api.CallAsync((actions, who) => actions.RejectAsync(who, serial, reason, ct)).ConfigureAwait(false);
    }

    /// <summary>Lines naming another tenant or a hidden branch are refused here first, with the dashboard's wording (the API refuses them too).</summary>
    public async Task<PreregistrationResult> PreregisterAsync(string csv, CancellationToken ct)
    {
        var (lines, _) = CsvPreregistration.Parse(new StringReader(csv));
        var foreign = lines.Where(l => l.TenantId != db.Scope.TenantId).Select(l => $"line {l.LineNumber}: tenant '{l.TenantId}' is not yours").ToList();
        if (foreign.Count > 0)
        {
            return new PreregistrationResult(0, foreign);
        }

        var branches = lines.Where(l => l.BranchId is not null).Select(l => l.BranchId!).Distinct().ToArray();
        var visible = await db.QueryAsync<string>("SELECT branch_id FROM branches WHERE branch_id = ANY (@branches)", new { branches }, ct).ConfigureAwait(false);
        var hidden = lines.Where(l => l.BranchId is not null && !visible.Contains(l.BranchId)).Select(l => $"line {l.LineNumber}: branch '{l.BranchId}' does not exist in tenant '{l.TenantId}'").ToList();
        if (hidden.Count > 0)
        {
            return new PreregistrationResult(0, hidden);
        }

        return await api.CallAsync((actions, who) => actions.PreregisterAsync(who, csv, ct)).ConfigureAwait(false);
    }

    private async Task RequirePendingAsync(string serial, CancellationToken ct)
    {
        if (await db.QuerySingleAsync<bool>($"SELECT EXISTS (SELECT 1 FROM provisioning_requests WHERE serial = @serial AND status = 'pending' AND {InCallersBranches})", new { serial }, ct).ConfigureAwait(false) is false)
        {
            throw new NotInTenantException($"serial '{serial}' has no pending request");
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
