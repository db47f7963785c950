using System.Text.Json;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Provisioning.Hosting;
using Iot.Provisioning.Messaging;
using Iot.Provisioning.Storage;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Service;

/// <summary>
/// Turns one provisioning request into an answer. Order: replay of a known (serial, nonce) → same answer; a device that
/// already exists for the serial or the tenant's hardware id → pickup of an operator approval, or re-provisioning per
/// tenant policy; an earlier refusal → Rejected; a waiting request → Pending; a preregistered serial → Approved;
/// anything else → a new pending request.
/// </summary>
public sealed class ProvisioningDecider(
    ProvisioningStore store,
    CredentialIssuer issuer,
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
        var request = ProtocolJson.TryDeserialize<ProvisionRequest>(payload.Span, out var error);
        if (request is null)
        {
            return Invalid("", "unreadable request: " + error);
        }

        var problem = Validate(topicSerial, request);
        if (problem is not null)
        {
            return Invalid(request.Nonce ?? "", problem);
        }

        var replay = await store.RequestAsync(request.Serial, request.Nonce, ct).ConfigureAwait(false);
        if (replay is not null)
        {
            return await ReplayAsync(request, replay, ct).ConfigureAwait(false);
        }

        var prereg = await store.PreregistrationAsync(request.Serial, ct).ConfigureAwait(false);
        ClaimRow? claim = null;
        var claimId = claims.ClaimIdFor(request.Serial) ?? (string.IsNullOrWhiteSpace(_o.DefaultClaimId) ? null : _o.DefaultClaimId);
        if (claimId is not null)
        {
            claim = await store.ClaimAsync(claimId, ct).ConfigureAwait(false);
            if (claim is null && prereg is null)
            {
                return Invalid(request.Nonce, $"claim '{claimId}' is unknown");
            }
        }
        else if (prereg is null)
        {
            return Invalid(request.Nonce, "no claim credential is known for this request");
        }

        var tenantId = prereg?.TenantId ?? claim!.TenantId;
        var device = await store.DeviceBySerialAsync(request.Serial, ct).ConfigureAwait(false)
                     ?? await store.DeviceByHardwareAsync(tenantId, request.HardwareId, ct).ConfigureAwait(false);
        if (device is { IsRevoked: true })
        {
            return await RecordAsync(request, claim, tenantId, "rejected", "device revoked", device.DeviceId, ct).ConfigureAwait(false);
        }

        if (device is not null)
        {
            return await KnownDeviceAsync(request, claim, device, ct).ConfigureAwait(false);
        }

        var latest = await store.LatestRequestAsync(request.Serial, ct).ConfigureAwait(false);
        if (latest is { Status: "rejected" })
        {
            return await RecordAsync(request, claim, tenantId, "rejected", latest.Reason ?? "rejected by an operator", null, ct).ConfigureAwait(false);
        }

        if (latest is { Status: "pending" })
        {
            // Devices send a fresh nonce per attempt: keep one row per waiting device, answering for its newest nonce.
            await store.ExecuteAsync(
                "UPDATE provisioning_requests SET nonce = @Nonce, hardware_id = @HardwareId, model = @Model, agent_version = @AgentVersion WHERE request_id = @id",
                new { request.Nonce, request.HardwareId, request.Model, request.AgentVersion, id = latest.RequestId },
                ct).ConfigureAwait(false);
            return Pending(request.Nonce);
        }

        if (prereg is { ConsumedAt: null })
        {
            return await ApprovePreregisteredAsync(request, claim, prereg, ct).ConfigureAwait(false);
        }

        var claimProblem = ClaimProblem(claim);
        if (claimProblem is not null)
        {
            return Invalid(request.Nonce, claimProblem);
        }

        await store.ExecuteAsync("UPDATE claim_tokens SET uses = uses + 1 WHERE claim_id = @ClaimId", new { claim!.ClaimId }, ct).ConfigureAwait(false);
        return await RecordAsync(request, claim, tenantId, "pending", null, null, ct).ConfigureAwait(false);
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

        return r.Capabilities is null ? "capabilities missing" : null;
    }

    private string? ClaimProblem(ClaimRow? claim)
    {
        if (claim is null)
        {
            return "no claim credential is known for this request";
        }

        if (claim.RevokedAt is not null)
        {
            return $"claim '{claim.ClaimId}' is revoked";
        }

        if (claim.ExpiresAt is { } expires && expires <= time.GetUtcNow().UtcDateTime)
        {
            return $"claim '{claim.ClaimId}' expired";
        }

        return claim.MaxUses is { } max && claim.Uses >= max ? $"claim '{claim.ClaimId}' has been used {claim.Uses} of {max} times" : null;
    }

    private async Task<ProvisionResponse> ReplayAsync(ProvisionRequest request, RequestRow row, CancellationToken ct)
    {
        switch (row.Status)
        {
            case "pending":
                return Pending(request.Nonce);
            case "rejected":
                return Rejected(request.Nonce, row.Reason);
        }

        // Approved: the secret is not kept, so the answer cannot be repeated byte for byte. Within the window the device
        // most likely lost the answer; a fresh secret (invalidating the first) gives it a working identity.
        var device = row.DeviceId is null ? null : await store.DeviceAsync(row.DeviceId, ct).ConfigureAwait(false);
        if (device is null || device.IsRevoked || row.DecidedAt is not { } decided
            || time.GetUtcNow().UtcDateTime - decided > TimeSpan.FromMinutes(_o.ReplayWindowMinutes))
        {
            return Invalid(request.Nonce, "nonce already used; send a new request");
        }

        return await ApprovedAsync(request.Nonce, device, ct).ConfigureAwait(false);
    }

    private async Task<ProvisionResponse> KnownDeviceAsync(ProvisionRequest request, ClaimRow? claim, DeviceRow device, CancellationToken ct)
    {
        // Approved by an operator and not yet collected: the first request after approval picks up the secret.
        var awaitingPickup = device.SecretHash is null;
        var sameHardware = string.Equals(device.HardwareId, request.HardwareId, StringComparison.Ordinal);
        var latest = await store.LatestRequestAsync(request.Serial, ct).ConfigureAwait(false);

        // A device that lost its approval answer retries with a new nonce; that is not a factory reset to queue.
        var justApproved = sameHardware && latest is { Status: "approved", DecidedAt: { } decided }
                           && time.GetUtcNow().UtcDateTime - decided <= TimeSpan.FromMinutes(_o.ReplayWindowMinutes);
        if (awaitingPickup || justApproved
            || (sameHardware && await store.PolicyAsync(device.TenantId, ct).ConfigureAwait(false) == ReprovisionPolicy.AutoKnownHardware))
        {
            var why = awaitingPickup ? "operator approval collected" : justApproved ? "approval answer re-sent" : "known hardware re-provisioned";
            await RecordAsync(request, claim, device.TenantId, "approved", why, device.DeviceId, ct).ConfigureAwait(false);
            return await ApprovedAsync(request.Nonce, device, ct).ConfigureAwait(false);
        }

        if (latest is { Status: "pending" })
        {
            await store.ExecuteAsync("UPDATE provisioning_requests SET nonce = @Nonce WHERE request_id = @id", new { request.Nonce, id = latest.RequestId }, ct).ConfigureAwait(false);
            return Pending(request.Nonce);
        }

        return await RecordAsync(request, claim, device.TenantId, "pending", sameHardware ? "re-provisioning queued by tenant policy" : "hardware id changed", device.DeviceId, ct).ConfigureAwait(false);
    }

    private async Task<ProvisionResponse> ApprovePreregisteredAsync(ProvisionRequest request, ClaimRow? claim, PreregistrationRow prereg, CancellationToken ct)
    {
        var deviceId = prereg.DeviceId ?? request.Serial;
        await store.ExecuteAsync(
            """
            INSERT INTO devices (device_id, tenant_id, branch_id, serial, hardware_id, model, agent_version, display_name, capabilities)
            VALUES (@deviceId, @TenantId, @BranchId, @Serial, @HardwareId, @Model, @AgentVersion, @DisplayName, @caps::jsonb);
            UPDATE preregistrations SET consumed_at = now() WHERE serial = @Serial;
            """,
            new
            {
                deviceId, prereg.TenantId, prereg.BranchId, request.Serial, request.HardwareId, request.Model, request.AgentVersion,
                prereg.DisplayName, caps = JsonSerializer.Serialize(request.Capabilities, ProvisioningJson.Default.DeviceCapabilities),
            },
            ct).ConfigureAwait(false);
        var device = (await store.DeviceAsync(deviceId, ct).ConfigureAwait(false))!;
        await RecordAsync(request, claim, prereg.TenantId, "approved", "preregistered", deviceId, ct).ConfigureAwait(false);
        return await ApprovedAsync(request.Nonce, device, ct).ConfigureAwait(false);
    }

    private async Task<ProvisionResponse> RecordAsync(
        ProvisionRequest request, ClaimRow? claim, string tenantId, string status, string? reason, string? deviceId, CancellationToken ct)
    {
        var decided = status == "pending" ? (DateTimeOffset?)null : time.GetUtcNow();
        await store.ExecuteAsync(
            """
            INSERT INTO provisioning_requests (request_id, serial, hardware_id, model, agent_version, capabilities, nonce, claim_id,
                                               tenant_id, branch_id, status, reason, device_id, received_at, decided_at, decided_by)
            VALUES (@id, @Serial, @HardwareId, @Model, @AgentVersion, @caps::jsonb, @Nonce, @claimId,
                    @tenantId, @branchId, @status, @reason, @deviceId, @now, @decided, @by)
            """,
            new
            {
                id = Guid.CreateVersion7(), request.Serial, request.HardwareId, request.Model, request.AgentVersion,
                caps = JsonSerializer.Serialize(request.Capabilities, ProvisioningJson.Default.DeviceCapabilities), request.Nonce,
                claimId = claim?.ClaimId, tenantId, branchId = claim?.BranchId, status, reason, deviceId, now = time.GetUtcNow(), decided,
                by = decided is null ? null : "policy",
            },
            ct).ConfigureAwait(false);
        // Approved answers carry credentials and are built by the caller.
        return status == "rejected" ? Rejected(request.Nonce, reason) : Pending(request.Nonce);
    }

    private async Task<ProvisionResponse> ApprovedAsync(string nonce, DeviceRow device, CancellationToken ct)
    {
        var credentials = await issuer.IssueAsync(device, ct).ConfigureAwait(false);
        return new ProvisionResponse
        {
            Nonce = nonce,
            Status = ProvisionStatus.Approved,
            Credentials = credentials,
            Config = await issuer.InitialConfigAsync(device, ct).ConfigureAwait(false),
            AtUtc = time.GetUtcNow(),
        };
    }

    private ProvisionResponse Pending(string nonce) =>
        new() { Nonce = nonce, Status = ProvisionStatus.Pending, RetryAfterSeconds = _o.PendingRetrySeconds, AtUtc = time.GetUtcNow() };

    private ProvisionResponse Rejected(string nonce, string? reason) =>
        new() { Nonce = nonce, Status = ProvisionStatus.Rejected, Reason = reason, RetryAfterSeconds = _o.RejectedRetrySeconds, AtUtc = time.GetUtcNow() };

    private ProvisionResponse Invalid(string nonce, string reason) =>
        new() { Nonce = nonce, Status = ProvisionStatus.Invalid, Reason = reason, AtUtc = time.GetUtcNow() };
}
