using Iot.Protocol.Provisioning;
using Iot.Provisioning.Fleet;
using Iot.Provisioning.Hosting;
using Iot.Provisioning.Security;
using Iot.Provisioning.Storage;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Service;

/// <summary>
/// A request for a device the claim's own tenant already has. The serial and hardware id are public (printed on the
/// case, derivable from the board), so neither proves anything: a new secret goes out only to the device that proves
/// itself with its recovery key, or after an operator's approval, and never unattended while the device is online.
/// Every decision here is written to <c>provisioning_audit</c>.
/// </summary>
public sealed class KnownDeviceDecider(
    ProvisioningStore store, ProvisioningAnswers answers, FleetTracker fleet, IOptions<ProvisioningOptions> options, TimeProvider time)
{
    private readonly ProvisioningOptions _o = options.Value;

    public async Task<ProvisionResponse> DecideAsync(ProvisionRequest request, ClaimRow? claim, DeviceRow device, CancellationToken ct)
    {
        if (device.IsRevoked)
        {
            await AuditAsync(request, claim, device, "rejected", "none", "device revoked", ct).ConfigureAwait(false);
            return await answers.RecordAsync(request, claim, device.TenantId, "rejected", "device revoked", device.DeviceId, ct).ConfigureAwait(false);
        }

        // Same device: it holds the recovery key whose hash the cloud kept, or (agents without one) at least claims the
        // same hardware; the latter is only accepted where an operator or the device itself just caused the approval.
        var proven = RecoveryKeys.Verify(request.RecoveryKey, device.RecoveryKeyHash);
        var sameHardware = string.Equals(device.HardwareId, request.HardwareId, StringComparison.Ordinal);
        var legacySame = device.RecoveryKeyHash is null && sameHardware;
        var latest = await store.LatestRequestAsync(device.TenantId, request.Serial, ct).ConfigureAwait(false);

        // An operator approved it and the secret is not collected yet: only the device that asked may collect it.
        if (device.SecretHash is null)
        {
            if (proven || legacySame)
            {
                return await ApproveAsync(request, claim, device, proven ? "recovery-key" : "hardware-id", "operator approval collected", ct).ConfigureAwait(false);
            }

            return await QueueAsync(request, claim, device, latest, "approval waits for the device that asked for it", ct).ConfigureAwait(false);
        }

        // The answer to an approval was lost and the device retries with a new nonce: not a factory reset to queue.
        var justApproved = latest is { Status: "approved", DecidedAt: { } decided }
                           && time.GetUtcNow().UtcDateTime - decided <= TimeSpan.FromMinutes(_o.ReplayWindowMinutes);
        if (justApproved && (proven || legacySame))
        {
            return await ApproveAsync(request, claim, device, proven ? "recovery-key" : "hardware-id", "approval answer re-sent", ct).ConfigureAwait(false);
        }

        // Factory reset (or a copy of the device's storage): never replace the secret of a device that is connected now.
        if (fleet.IsOnline(device.TenantId, device.DeviceId))
        {
            return await QueueAsync(request, claim, device, latest, "device is online; re-provisioning it needs an operator", ct).ConfigureAwait(false);
        }

        if (proven && await store.PolicyAsync(device.TenantId, ct).ConfigureAwait(false) == ReprovisionPolicy.AutoKnownHardware)
        {
            return await ApproveAsync(request, claim, device, "recovery-key", "re-provisioned with its recovery key", ct).ConfigureAwait(false);
        }

        var why = !sameHardware ? "hardware id changed"
            : proven ? "re-provisioning queued by tenant policy"
            : "re-provisioning without the device's recovery key needs an operator";
        return await QueueAsync(request, claim, device, latest, why, ct).ConfigureAwait(false);
    }

    private async Task<ProvisionResponse> ApproveAsync(ProvisionRequest request, ClaimRow? claim, DeviceRow device, string proof, string why, CancellationToken ct)
    {
        await AuditAsync(request, claim, device, "approved", proof, why, ct).ConfigureAwait(false);
        await answers.RecordAsync(request, claim, device.TenantId, "approved", why, device.DeviceId, ct).ConfigureAwait(false);
        return await answers.ApprovedAsync(request, device, ct).ConfigureAwait(false);
    }

    private async Task<ProvisionResponse> QueueAsync(ProvisionRequest request, ClaimRow? claim, DeviceRow device, RequestRow? latest, string why, CancellationToken ct)
    {
        await AuditAsync(request, claim, device, "pending", "none", why, ct).ConfigureAwait(false);
        if (latest is { Status: "pending" })
        {
            // One waiting row per device. Its hardware id and recovery key change only if the asker proves it holds the
            // key the row was filed with (or the row has none), so a look-alike cannot take over what an operator sees.
            if (latest.RecoveryKeyHash is not null && !RecoveryKeys.Verify(request.RecoveryKey, latest.RecoveryKeyHash))
            {
                await store.RenewNonceAsync(latest.RequestId, request.Nonce, ct).ConfigureAwait(false);
            }
            else
            {
                await store.ExecuteAsync(
                    "UPDATE provisioning_requests SET nonce = @Nonce, hardware_id = @HardwareId, recovery_key_hash = COALESCE(@recovery, recovery_key_hash), reason = @why WHERE request_id = @id",
                    new { request.Nonce, request.HardwareId, recovery = RecoveryKeys.HashOrNull(request.RecoveryKey), why, id = latest.RequestId },
                    ct).ConfigureAwait(false);
            }

            return answers.Pending(request.Nonce);
        }

        return await answers.RecordAsync(request, claim, device.TenantId, "pending", why, device.DeviceId, ct).ConfigureAwait(false);
    }

    private Task AuditAsync(ProvisionRequest request, ClaimRow? claim, DeviceRow device, string outcome, string proof, string reason, CancellationToken ct) =>
        store.AuditAsync(
            new ReprovisionAuditEntry(device.TenantId, device.BranchId, device.DeviceId, request.Serial, request.HardwareId, outcome, proof, reason, claim?.ClaimId, "policy", time.GetUtcNow()),
            ct);
}
