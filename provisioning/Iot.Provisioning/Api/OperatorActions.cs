using System.Globalization;
using System.Text.Json;
using Iot.Cloud.Data.Audit;
using Iot.Protocol.Messages;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Service;
using Iot.Provisioning.Storage;

namespace Iot.Provisioning.Api;

/// <summary>
/// Raised for anything outside the request's scope and for anything that does not exist, with the same message for
/// both: a foreign device, serial, branch or command must look exactly like a missing one. The API answers 404.
/// </summary>
public sealed class NotInScopeException(string message) : Exception(message);

/// <summary>
/// The one owner of operator actions: the bridge's <see cref="ProvisioningAdmin"/> (its provisioning MQTT session as
/// publisher, the broker's session control, the configured secret sealing) behind a scope check, with one audit row per
/// action. The dashboard and iotctl reach it only through the API, so every caller gets the same behaviour.
/// </summary>
public sealed class OperatorActions(ProvisioningAdmin admin, ProvisioningStore store, TimeProvider time)
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<DeviceView>> DevicesAsync(OperatorScope scope, CancellationToken ct) =>
        [.. (await store.DevicesAsync(scope.TenantId, ct).ConfigureAwait(false)).Where(d => scope.Allows(d.TenantId, d.BranchId)).Select(DeviceView.From)];

    public async Task<DeviceView> DeviceAsync(OperatorScope scope, string deviceId, CancellationToken ct) =>
        DeviceView.From(await InScopeAsync(scope, deviceId, ct).ConfigureAwait(false));

    public async Task<IReadOnlyList<PendingView>> PendingAsync(OperatorScope scope, CancellationToken ct) =>
        [.. (await store.PendingAsync(scope.TenantId, ct).ConfigureAwait(false)).Where(r => scope.AllowsBranch(r.BranchId)).Select(PendingView.From)];

    public async Task<DeviceView> ApproveAsync(OperatorScope scope, string serial, ApproveBody body, CancellationToken ct)
    {
        var request = await PendingInScopeAsync(scope, serial, ct).ConfigureAwait(false);
        var branch = Blank(body.BranchId) ?? request.BranchId;
        if (Blank(body.BranchId) is { } stated && (!scope.AllowsBranch(stated) || !await BranchExistsAsync(request.TenantId ?? scope.TenantId, stated, ct).ConfigureAwait(false)))
        {
            throw new NotInScopeException($"branch '{stated}' does not exist");
        }

        if (branch is null && scope.Branches is not null)
        {
            // A branch-scoped operator may not create a tenant-wide device (every branch would see it).
            throw new ProvisioningException("choose one of your branches for this device");
        }

        var device = await admin.ApproveAsync(serial, scope.TenantId, branch, Blank(body.DeviceId), scope.Actor, ct).ConfigureAwait(false);
        await AuditAsync(scope, device.TenantId, OperatorAuditActions.DeviceApproved, serial, new() { ["deviceId"] = device.DeviceId, ["branchId"] = device.BranchId }, ct).ConfigureAwait(false);
        return DeviceView.From(device);
    }

    public async Task RejectAsync(OperatorScope scope, string serial, string reason, CancellationToken ct)
    {
        var request = await PendingInScopeAsync(scope, serial, ct).ConfigureAwait(false);
        await admin.RejectAsync(serial, scope.TenantId, reason, scope.Actor, ct).ConfigureAwait(false);
        await AuditAsync(scope, request.TenantId, OperatorAuditActions.DeviceRejected, serial, new() { ["reason"] = reason }, ct).ConfigureAwait(false);
    }

    /// <summary>Ends the device's live session through the bridge's single <see cref="Messaging.IDeviceSessionControl"/>.</summary>
    public async Task RevokeAsync(OperatorScope scope, string deviceId, CancellationToken ct)
    {
        var device = await InScopeAsync(scope, deviceId, ct).ConfigureAwait(false);
        await admin.RevokeAsync(deviceId, ct).ConfigureAwait(false);
        await AuditAsync(scope, device.TenantId, OperatorAuditActions.DeviceRevoked, deviceId, new(), ct).ConfigureAwait(false);
    }

    public async Task<Guid> RotateAsync(OperatorScope scope, string deviceId, TimeSpan timeout, CancellationToken ct)
    {
        var device = await InScopeAsync(scope, deviceId, ct).ConfigureAwait(false);
        var id = await admin.RotateAsync(deviceId, timeout, ct).ConfigureAwait(false);
        await AuditAsync(scope, device.TenantId, OperatorAuditActions.DeviceRotationStarted, deviceId, new() { ["commandId"] = id.ToString() }, ct).ConfigureAwait(false);
        return id;
    }

    public async Task<DeviceConfigState> ConfigAsync(OperatorScope scope, string deviceId, CancellationToken ct)
    {
        await InScopeAsync(scope, deviceId, ct).ConfigureAwait(false);
        return await admin.GetConfigAsync(deviceId, ct).ConfigureAwait(false);
    }

    public async Task<DeviceConfigDocument> SetConfigAsync(OperatorScope scope, string deviceId, DeviceConfigDocument document, CancellationToken ct)
    {
        var device = await InScopeAsync(scope, deviceId, ct).ConfigureAwait(false);
        var stored = await admin.SetConfigAsync(deviceId, document, ct).ConfigureAwait(false);
        await AuditAsync(scope, device.TenantId, OperatorAuditActions.DeviceConfigPushed, deviceId, new() { ["version"] = stored.Version.ToString(CultureInfo.InvariantCulture), ["document"] = JsonSerializer.Serialize(stored, WebJson) }, ct).ConfigureAwait(false);
        return stored;
    }

    public async Task<Guid> SendCommandAsync(OperatorScope scope, string deviceId, CommandBody body, CancellationToken ct)
    {
        var device = await InScopeAsync(scope, deviceId, ct).ConfigureAwait(false);
        var id = await admin.SendCommandAsync(deviceId, body.Name, body.Args ?? new Dictionary<string, string>(), TimeSpan.FromSeconds(body.TimeoutSeconds), ct).ConfigureAwait(false);
        await AuditAsync(scope, device.TenantId, OperatorAuditActions.DeviceCommandSent, deviceId, new() { ["command"] = body.Name, ["commandId"] = id.ToString() }, ct).ConfigureAwait(false);
        return id;
    }

    /// <summary>The command's state; one past its expiry is marked timeout here, so a poller need not wait for the sweeper.</summary>
    public async Task<CommandRow> CommandAsync(OperatorScope scope, Guid commandId, CancellationToken ct)
    {
        var missing = $"command {commandId} does not exist";
        var row = await admin.CommandAsync(commandId, ct).ConfigureAwait(false) ?? throw new NotInScopeException(missing);
        if (await store.DeviceAsync(row.DeviceId, ct).ConfigureAwait(false) is not { } device || !scope.Allows(device.TenantId, device.BranchId))
        {
            throw new NotInScopeException(missing);
        }

        if (row.Status is "sent" or "accepted" && row.ExpiresAt is { } expires && expires <= time.GetUtcNow().UtcDateTime)
        {
            await CommandTracker.ExpireAsync(store, time.GetUtcNow(), commandId, ct).ConfigureAwait(false);
            row = await admin.CommandAsync(commandId, ct).ConfigureAwait(false) ?? row;
        }

        return row;
    }

    /// <summary>Lines outside the scope are reported like lines naming a missing tenant or branch; one bad line imports none.</summary>
    public async Task<PreregistrationResult> PreregisterAsync(OperatorScope scope, string csv, CancellationToken ct)
    {
        var (lines, _) = CsvPreregistration.Parse(new StringReader(csv));
        var outside = lines
            .Select(l => !scope.AllowsTenant(l.TenantId) ? $"line {l.LineNumber}: tenant '{l.TenantId}' does not exist"
                : !scope.AllowsBranch(l.BranchId) ? $"line {l.LineNumber}: branch '{l.BranchId}' does not exist in tenant '{l.TenantId}'"
                : l.BranchId is null && scope.Branches is not null ? $"line {l.LineNumber}: choose one of your branches"
                : null)
            .OfType<string>()
            .ToList();
        if (outside.Count > 0)
        {
            return new PreregistrationResult(0, outside);
        }

        var result = await admin.PreregisterAsync(new StringReader(csv), ct).ConfigureAwait(false);
        if (result.Succeeded)
        {
            foreach (var tenant in lines.GroupBy(l => l.TenantId))
            {
                await AuditAsync(scope, tenant.Key, OperatorAuditActions.DevicesPreregistered, null, new() { ["count"] = tenant.Count().ToString(CultureInfo.InvariantCulture) }, ct).ConfigureAwait(false);
            }
        }

        return result;
    }

    public async Task<ClaimToken> CreateClaimAsync(OperatorScope scope, ClaimBody body, CancellationToken ct)
    {
        var tenant = scope.TenantId ?? throw new ProvisioningException($"a claim belongs to one tenant: state {OperatorScope.TenantHeader}");
        var branch = Blank(body.BranchId);
        if (branch is null && scope.Branches is not null)
        {
            throw new ProvisioningException("choose one of your branches for this claim");
        }

        if (branch is not null && (!scope.AllowsBranch(branch) || !await BranchExistsAsync(tenant, branch, ct).ConfigureAwait(false)))
        {
            throw new NotInScopeException($"branch '{branch}' does not exist");
        }

        var claim = await admin.CreateClaimAsync(tenant, branch, body.MaxUses, body.ExpiresAt, ct).ConfigureAwait(false);
        await AuditAsync(scope, tenant, OperatorAuditActions.ClaimCreated, claim.ClaimId, new() { ["branchId"] = branch }, ct).ConfigureAwait(false);
        return claim;
    }

    /// <summary>Decisions about known devices, newest first, within the scope's tenant and branches.</summary>
    public Task<IReadOnlyList<ReprovisionAuditRow>> ReprovisionAuditAsync(OperatorScope scope, int limit, CancellationToken ct) =>
        store.QueryAsync<ReprovisionAuditRow>(
            """
            SELECT audit_id AS AuditId, tenant_id AS TenantId, device_id AS DeviceId, serial AS Serial, hardware_id AS HardwareId,
                   outcome AS Outcome, proof AS Proof, reason AS Reason, claim_id AS ClaimId, decided_by AS By, at AS At
            FROM provisioning_audit
            WHERE (@tenantId::text IS NULL OR tenant_id = @tenantId) AND (@branches::text[] IS NULL OR branch_id IS NULL OR branch_id = ANY (@branches))
            ORDER BY at DESC, audit_id DESC LIMIT @limit
            """,
            new { tenantId = scope.TenantId, branches = scope.Branches?.ToArray(), limit = Math.Clamp(limit, 1, 1000) },
            ct);

    private async Task<DeviceRow> InScopeAsync(OperatorScope scope, string deviceId, CancellationToken ct)
    {
        var device = await store.DeviceAsync(deviceId, ct).ConfigureAwait(false);
        return device is not null && scope.Allows(device.TenantId, device.BranchId) ? device : throw new NotInScopeException($"device '{deviceId}' does not exist");
    }

    private async Task<RequestRow> PendingInScopeAsync(OperatorScope scope, string serial, CancellationToken ct)
    {
        var pending = (await store.PendingForSerialAsync(scope.TenantId, serial, ct).ConfigureAwait(false)).Where(r => scope.AllowsBranch(r.BranchId)).ToList();
        return pending.Count > 0 ? pending[0] : throw new NotInScopeException($"serial '{serial}' has no pending request");
    }

    private Task<bool> BranchExistsAsync(string? tenantId, string branchId, CancellationToken ct) =>
        store.ScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM branches WHERE branch_id = @branchId AND (@tenantId::text IS NULL OR tenant_id = @tenantId))",
            new { branchId, tenantId },
            ct);

    /// <summary>One row per action in <c>audit_log</c>, under the acting user; <c>via</c> names the calling service.</summary>
    private async Task AuditAsync(OperatorScope scope, string? tenantId, string action, string? target, Dictionary<string, string?> details, CancellationToken ct)
    {
        details["via"] = scope.Via;

        // After the action, on a connection of its own: the admin actions commit their own changes.
        await using var c = await store.DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await AuditLog.WriteAsync(c, null, new AuditRecord(tenantId, scope.Actor, action, target, details), time.GetUtcNow(), ct).ConfigureAwait(false);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
