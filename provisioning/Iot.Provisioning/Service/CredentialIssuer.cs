using System.Text;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Provisioning.Security;
using Iot.Provisioning.Storage;

namespace Iot.Provisioning.Service;

/// <summary>Mints a device's broker secret (storing only its hash) and assembles what an approved device is sent.</summary>
public sealed class CredentialIssuer(ProvisioningStore store, ISecretSealer sealer, TimeProvider time)
{
    /// <summary>Replaces the device's secret: any earlier one (and any rotation in flight) stops working.</summary>
    public async Task<DeviceCredentials> IssueAsync(DeviceRow device, CancellationToken ct)
    {
        var secret = SecretGenerator.NewSecret();
        var username = MqttIdentities.Device(device.TenantId, device.DeviceId);
        await store.ExecuteAsync(
            """
            UPDATE devices SET secret_hash = @hash, secret_sealed = @sealed, pending_secret_hash = NULL, pending_secret_sealed = NULL, secret_rotated_at = @now,
                               provisioned_at = COALESCE(provisioned_at, @now)
            WHERE device_id = @deviceId
            """,
            new { hash = SecretHasher.Hash(secret), @sealed = sealer.Seal(username, secret), now = time.GetUtcNow(), deviceId = device.DeviceId },
            ct).ConfigureAwait(false);
        return new DeviceCredentials(device.TenantId, device.DeviceId, device.BranchId, username, secret);
    }

    /// <summary>The device's desired document if one exists, else the branch's default, else the tenant's, else version 0.</summary>
    public async Task<DeviceConfigDocument> InitialConfigAsync(DeviceRow device, CancellationToken ct)
    {
        var json = await store.ScalarAsync<string?>(
            """
            SELECT COALESCE(
                (SELECT desired::text FROM device_configs WHERE device_id = @deviceId),
                (SELECT default_config::text FROM branches WHERE branch_id = @branchId),
                (SELECT default_config::text FROM tenant_policies WHERE tenant_id = @tenantId))
            """,
            new { deviceId = device.DeviceId, branchId = device.BranchId, tenantId = device.TenantId },
            ct).ConfigureAwait(false);
        var parsed = json is null ? null : ProtocolJson.TryDeserialize<DeviceConfigDocument>(Encoding.UTF8.GetBytes(json), out _);
        return parsed ?? new DeviceConfigDocument { Version = 0, IssuedAtUtc = time.GetUtcNow() };
    }
}
