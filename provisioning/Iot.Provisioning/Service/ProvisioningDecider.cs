using System.Text.Json;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Provisioning.Hosting;
using Iot.Provisioning.Messaging;
using Iot.Provisioning.Security;
using Iot.Provisioning.Storage;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Service;

/// <summary>
/// Turns one provisioning request into an answer. The claim behind the request decides the tenant, and every lookup
/// after that stays inside it: another tenant's devices, preregistrations and requests do not exist for this request.
/// Order: the claim (unknown, revoked, expired or used up → Invalid, on every path) → replay of a known (serial, nonce)
/// → a device the tenant already has (<see cref="KnownDeviceDecider"/>) → an earlier refusal → a waiting request → the
/// tenant's preregistration → a new pending request.
/// </summary>
public sealed class ProvisioningDecider(
    ProvisioningStore store,
    ProvisioningAnswers answers,
    KnownDeviceDecider known,
    ClaimIdentityCache claims,
    IOptions<ProvisioningOptions> options,
    TimeProvider time)
{
    public const int MinNonceLength = 16;
    public const int MaxNonceLength = 64;
    private const int MaxFieldLength = 128;
    private readonly ProvisioningOptions _o = options.Value;

    public async Task<ProvisionResponse> DecideAsync(string topicSerial, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        // Taken first, whatever the payload: an entry for a request that is refused unread would otherwise wait for eviction.
        var recordedClaim = claims.ClaimIdFor(topicSerial, payload.Span);
        var request = ProtocolJson.TryDeserialize<ProvisionRequest>(payload.Span, out var error);
        if (request is null)
        {
            return answers.Invalid("", "unreadable request: " + error);
        }

        var problem = Validate(topicSerial, request);
        if (problem is not null)
        {
            return answers.Invalid(request.Nonce ?? "", problem);
        }

        ClaimRow? claim = null;
        string tenantId;
        PreregistrationRow? prereg;
        var claimId = recordedClaim ?? (string.IsNullOrWhiteSpace(_o.DefaultClaimId) ? null : _o.DefaultClaimId);
        if (claimId is not null)
        {
            claim = await store.ClaimAsync(claimId, ct).ConfigureAwait(false);
            if (claim is null)
            {
                return answers.Invalid(request.Nonce, $"claim '{claimId}' is unknown");
            }

            // A claim that may no longer be used collects nothing: no preregistration, no approval, no re-provisioning.
            // Used up means no *new* serial: the serial that spent a use keeps asking (pending, pickup) with it.
            var spentOnThis = claim.MaxUses is not null
                              && await store.ClaimUsedForAsync(claim.ClaimId, request.Serial, ct).ConfigureAwait(false);
            if (ClaimProblem(claim, spentOnThis) is { } claimProblem)
            {
                return answers.Invalid(request.Nonce, claimProblem);
            }

            tenantId = claim.TenantId;
            prereg = await store.PreregistrationAsync(tenantId, request.Serial, ct).ConfigureAwait(false);
        }
        else
        {
            // No claim identity: the broker could not tell who published (Mosquitto). Its ACL then only lets a claim
            // publish for serials preregistered in its own tenant (DesiredDynsecState), so an open preregistration in
            // exactly one tenant is that tenant's; a serial several tenants preregistered cannot be told apart.
            var open = await store.OpenPreregistrationsAsync(request.Serial, ct).ConfigureAwait(false);
            if (open.Count != 1)
            {
                return answers.Invalid(request.Nonce, ProvisioningAnswers.NoClaimReason);
            }

            prereg = open[0];
            tenantId = prereg.TenantId;
        }

        var replay = await store.RequestAsync(tenantId, request.Serial, request.Nonce, ct).ConfigureAwait(false);
        if (replay is not null)
        {
            return await ReplayAsync(request, replay, ct).ConfigureAwait(false);
        }

        var device = await store.DeviceBySerialAsync(tenantId, request.Serial, ct).ConfigureAwait(false)
                     ?? await store.DeviceByHardwareAsync(tenantId, request.HardwareId, ct).ConfigureAwait(false);
        if (device is not null)
        {
            return await known.DecideAsync(request, claim, device, ct).ConfigureAwait(false);
        }

        var latest = await store.LatestRequestAsync(tenantId, request.Serial, ct).ConfigureAwait(false);
        if (latest is { Status: "rejected" })
        {
            return await answers.RecordAsync(request, claim, tenantId, "rejected", latest.Reason ?? "rejected by an operator", null, ct).ConfigureAwait(false);
        }

        if (latest is { Status: "pending" })
        {
            // Devices send a fresh nonce per attempt: keep one row per waiting device, answering for its newest nonce.
            // What the operator sees (hardware id, recovery key) changes only for the holder of the row's recovery key.
            if (latest.RecoveryKeyHash is not null && !RecoveryKeys.Verify(request.RecoveryKey, latest.RecoveryKeyHash))
            {
                await store.RenewNonceAsync(latest.RequestId, request.Nonce, ct).ConfigureAwait(false);
            }
            else
            {
                await store.ExecuteAsync(
                    """
                    UPDATE provisioning_requests SET nonce = @Nonce, hardware_id = @HardwareId, model = @Model, agent_version = @AgentVersion,
                           recovery_key_hash = COALESCE(@recovery, recovery_key_hash)
                    WHERE request_id = @id
                    """,
                    new { request.Nonce, request.HardwareId, request.Model, request.AgentVersion, recovery = RecoveryKeys.HashOrNull(request.RecoveryKey), id = latest.RequestId },
                    ct).ConfigureAwait(false);
            }

            return answers.Pending(request.Nonce);
        }

        if (prereg is { ConsumedAt: null })
        {
            await CountUseAsync(claim, ct).ConfigureAwait(false);
            return await ApprovePreregisteredAsync(request, claim, prereg, ct).ConfigureAwait(false);
        }

        if (claim is null)
        {
            return answers.Invalid(request.Nonce, ProvisioningAnswers.NoClaimReason);
        }

        await CountUseAsync(claim, ct).ConfigureAwait(false);
        return await answers.RecordAsync(request, claim, tenantId, "pending", null, null, ct).ConfigureAwait(false);
    }

    internal static string? Validate(string topicSerial, ProvisionRequest r)
    {
        if (r.Serial != topicSerial)
        {
            return $"serial '{r.Serial}' does not match the topic's '{topicSerial}'";
        }

        if (!TopicTree.IsValidId(r.Serial))
        {
            return "serial must be 1-64 of [a-z0-9_-]";
        }

        if (r.Nonce is null || r.Nonce.Length is < MinNonceLength or > MaxNonceLength)
        {
            return $"nonce must be {MinNonceLength}-{MaxNonceLength} characters";
        }

        foreach (var (name, value) in new[] { ("hardwareId", r.HardwareId), ("model", r.Model), ("agentVersion", r.AgentVersion) })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > MaxFieldLength)
            {
                return $"{name} must be 1-{MaxFieldLength} characters";
            }
        }

        if (r.RecoveryKey is not null && !RecoveryKeys.IsWellFormed(r.RecoveryKey))
        {
            return $"recoveryKey must be {RecoveryKeys.MinLength}-{RecoveryKeys.MaxLength} of [A-Za-z0-9_-]";
        }

        if (r.ResponseKey is not null && !CredentialSeal.IsValidKey(r.ResponseKey))
        {
            return "responseKey must be a base64 SubjectPublicKeyInfo of a P-256 key";
        }

        return r.Capabilities is null ? "capabilities missing" : null;
    }

    private string? ClaimProblem(ClaimRow claim, bool spentOnThisSerial)
    {
        if (claim.RevokedAt is not null)
        {
            return $"claim '{claim.ClaimId}' is revoked";
        }

        if (claim.ExpiresAt is { } expires && expires <= time.GetUtcNow().UtcDateTime)
        {
            return $"claim '{claim.ClaimId}' expired";
        }

        return claim.MaxUses is { } max && claim.Uses >= max && !spentOnThisSerial ? $"claim '{claim.ClaimId}' has been used {claim.Uses} of {max} times" : null;
    }

    /// <summary>A use is counted per new serial (a new pending request or a collected preregistration), not per retry.</summary>
    private Task CountUseAsync(ClaimRow? claim, CancellationToken ct) =>
        claim is null ? Task.CompletedTask : store.ExecuteAsync("UPDATE claim_tokens SET uses = uses + 1 WHERE claim_id = @ClaimId", new { claim.ClaimId }, ct);

    private async Task<ProvisionResponse> ReplayAsync(ProvisionRequest request, RequestRow row, CancellationToken ct)
    {
        switch (row.Status)
        {
            case "pending":
                return answers.Pending(request.Nonce);
            case "rejected":
                return answers.Rejected(request.Nonce, row.Reason);
        }

        // Approved: the secret is not kept, so the answer cannot be repeated byte for byte. Within the window the device
        // most likely lost the answer; a fresh secret (invalidating the first) gives it a working identity — if the
        // replay carries the recovery key the approved request was filed with.
        var device = row.DeviceId is null ? null : await store.DeviceAsync(row.DeviceId, ct).ConfigureAwait(false);
        if (device is null || device.IsRevoked || row.DecidedAt is not { } decided
            || time.GetUtcNow().UtcDateTime - decided > TimeSpan.FromMinutes(_o.ReplayWindowMinutes)
            || (row.RecoveryKeyHash is not null && !RecoveryKeys.Verify(request.RecoveryKey, row.RecoveryKeyHash)))
        {
            return answers.Invalid(request.Nonce, "nonce already used; send a new request");
        }

        return await answers.ApprovedAsync(request, device, ct).ConfigureAwait(false);
    }

    private async Task<ProvisionResponse> ApprovePreregisteredAsync(ProvisionRequest request, ClaimRow? claim, PreregistrationRow prereg, CancellationToken ct)
    {
        var deviceId = await store.FreeDeviceIdAsync(prereg.DeviceId ?? request.Serial, ct).ConfigureAwait(false);
        await store.ExecuteAsync(
            """
            INSERT INTO devices (device_id, tenant_id, branch_id, serial, hardware_id, model, agent_version, display_name, capabilities, recovery_key_hash)
            VALUES (@deviceId, @TenantId, @BranchId, @Serial, @HardwareId, @Model, @AgentVersion, @DisplayName, @caps::jsonb, @recovery);
            UPDATE preregistrations SET consumed_at = now() WHERE tenant_id = @TenantId AND serial = @Serial;
            """,
            new
            {
                deviceId, prereg.TenantId, prereg.BranchId, request.Serial, request.HardwareId, request.Model, request.AgentVersion,
                prereg.DisplayName, caps = JsonSerializer.Serialize(request.Capabilities, ProvisioningJson.Default.DeviceCapabilities),
                recovery = RecoveryKeys.HashOrNull(request.RecoveryKey),
            },
            ct).ConfigureAwait(false);
        var device = (await store.DeviceAsync(deviceId, ct).ConfigureAwait(false))!;
        await answers.RecordAsync(request, claim, prereg.TenantId, "approved", "preregistered", deviceId, ct).ConfigureAwait(false);
        return await answers.ApprovedAsync(request, device, ct).ConfigureAwait(false);
    }
}
