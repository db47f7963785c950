using Iot.Protocol.Topics;
using Iot.Provisioning.Storage;

namespace Iot.Provisioning.Admin;

/// <summary>
/// An operator's approve and reject of a pending request. A pending request belongs to one tenant: an operator scoped
/// to a tenant finds only that tenant's, and a foreign serial is refused exactly like one that was never seen.
/// </summary>
internal sealed class RequestDecisions(ProvisioningStore store, TimeProvider time)
{
    public async Task<DeviceRow> ApproveAsync(string serial, string? tenantId, string? branchId, string? deviceId, string decidedBy, CancellationToken ct)
    {
        var request = await PendingRequestAsync(serial, tenantId, ct).ConfigureAwait(false);
        var tenant = request.TenantId ?? tenantId ?? throw new ProvisioningException($"serial '{serial}': no tenant known; pass one");
        var branch = branchId ?? request.BranchId;
        if (branch is not null && !await store.ScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM branches WHERE branch_id = @branch AND tenant_id = @tenant)", new { branch, tenant }, ct).ConfigureAwait(false))
        {
            throw new ProvisioningException($"branch '{branch}' does not exist");
        }

        string id;
        if (request.DeviceId is not null)
        {
            // Re-provisioning: the old secret stops now; the device that asked collects the new one by proving the
            // recovery key it asked with (or, agents without one, its hardware id).
            id = request.DeviceId;
            await store.ExecuteAsync(
                """
                UPDATE devices SET secret_hash = NULL, secret_sealed = NULL, pending_secret_hash = NULL, pending_secret_sealed = NULL,
                                   hardware_id = @HardwareId, model = @Model, agent_version = @AgentVersion, recovery_key_hash = @RecoveryKeyHash
                WHERE device_id = @id
                """,
                new { request.HardwareId, request.Model, request.AgentVersion, request.RecoveryKeyHash, id },
                ct).ConfigureAwait(false);
            var device = (await store.DeviceAsync(id, ct).ConfigureAwait(false))!;
            await store.AuditAsync(
                new ReprovisionAuditEntry(device.TenantId, device.BranchId, id, serial, request.HardwareId, "approved", "operator", "re-provisioning approved", request.ClaimId, decidedBy, time.GetUtcNow()),
                ct).ConfigureAwait(false);
        }
        else
        {
            if (deviceId is not null)
            {
                RequireId(deviceId, "device id");
                // Device ids are global; the message does not say whose device holds one.
                if (await store.DeviceAsync(deviceId, ct).ConfigureAwait(false) is not null)
                {
                    throw new ProvisioningException($"device id '{deviceId}' is not available; choose another");
                }
            }

            id = deviceId ?? await store.FreeDeviceIdAsync(serial, ct).ConfigureAwait(false);
            await store.ExecuteAsync(
                """
                INSERT INTO devices (device_id, tenant_id, branch_id, serial, hardware_id, model, agent_version, capabilities, recovery_key_hash)
                SELECT @id, @tenant, @branch, serial, hardware_id, model, agent_version, capabilities, recovery_key_hash FROM provisioning_requests WHERE request_id = @RequestId
                """,
                new { id, tenant, branch, request.RequestId },
                ct).ConfigureAwait(false);
        }

        await DecideAsync(request.RequestId, "approved", null, id, decidedBy, ct).ConfigureAwait(false);
        return (await store.DeviceAsync(id, ct).ConfigureAwait(false))!;
    }

    public async Task RejectAsync(string serial, string? tenantId, string reason, string decidedBy, CancellationToken ct)
    {
        var request = await PendingRequestAsync(serial, tenantId, ct).ConfigureAwait(false);
        await DecideAsync(request.RequestId, "rejected", reason, request.DeviceId, decidedBy, ct).ConfigureAwait(false);
        if (request.DeviceId is not null && request.TenantId is not null)
        {
            await store.AuditAsync(
                new ReprovisionAuditEntry(request.TenantId, request.BranchId, request.DeviceId, serial, request.HardwareId, "rejected", "operator", reason, request.ClaimId, decidedBy, time.GetUtcNow()),
                ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <paramref name="tenantId"/> null = a global operator (iotctl): the serial must then be pending in one tenant only.
    /// </summary>
    private async Task<RequestRow> PendingRequestAsync(string serial, string? tenantId, CancellationToken ct)
    {
        var pending = await store.PendingForSerialAsync(tenantId, serial, ct).ConfigureAwait(false);
        return pending.Count switch
        {
            0 => throw new ProvisioningException($"serial '{serial}' has no pending request"),
            1 => pending[0],
            _ => throw new ProvisioningException($"serial '{serial}' is pending in {pending.Count} tenants; name the tenant"),
        };
    }

    private Task DecideAsync(Guid requestId, string status, string? reason, string? deviceId, string decidedBy, CancellationToken ct) =>
        store.ExecuteAsync(
            "UPDATE provisioning_requests SET status = @status, reason = @reason, device_id = @deviceId, decided_at = @now, decided_by = @decidedBy WHERE request_id = @requestId",
            new { requestId, status, reason, deviceId, decidedBy, now = time.GetUtcNow() },
            ct);

    internal static void RequireId(string id, string what)
    {
        if (!TopicTree.IsValidId(id))
        {
            throw new ProvisioningException($"{what} '{id}' must be 1-64 of [a-z0-9_-], starting with a letter or digit");
        }
    }
}
