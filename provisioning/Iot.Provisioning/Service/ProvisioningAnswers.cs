using System.Text.Json;
using Iot.Protocol.Provisioning;
using Iot.Provisioning.Hosting;
using Iot.Provisioning.Security;
using Iot.Provisioning.Storage;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Service;

/// <summary>What the deciders answer and record: request rows, and the response shapes a device receives.</summary>
public sealed class ProvisioningAnswers(ProvisioningStore store, CredentialIssuer issuer, IOptions<ProvisioningOptions> options, TimeProvider time)
{
    /// <summary>
    /// The one answer for "nothing of yours here is known": whatever exists under another tenant, a requester gets
    /// exactly what a never-seen serial gets, so no answer tells it a foreign device exists.
    /// </summary>
    public const string NoClaimReason = "no claim credential is known for this request";

    private readonly ProvisioningOptions _o = options.Value;

    public async Task<ProvisionResponse> RecordAsync(
        ProvisionRequest request, ClaimRow? claim, string tenantId, string status, string? reason, string? deviceId, CancellationToken ct)
    {
        var decided = status == "pending" ? (DateTimeOffset?)null : time.GetUtcNow();
        await store.ExecuteAsync(
            """
            INSERT INTO provisioning_requests (request_id, serial, hardware_id, model, agent_version, capabilities, nonce, claim_id,
                                               tenant_id, branch_id, status, reason, device_id, received_at, decided_at, decided_by, recovery_key_hash)
            VALUES (@id, @Serial, @HardwareId, @Model, @AgentVersion, @caps::jsonb, @Nonce, @claimId,
                    @tenantId, @branchId, @status, @reason, @deviceId, @now, @decided, @by, @recovery)
            """,
            new
            {
                id = Guid.CreateVersion7(), request.Serial, request.HardwareId, request.Model, request.AgentVersion,
                caps = JsonSerializer.Serialize(request.Capabilities, ProvisioningJson.Default.DeviceCapabilities), request.Nonce,
                claimId = claim?.ClaimId, tenantId, branchId = claim?.BranchId, status, reason, deviceId, now = time.GetUtcNow(), decided,
                by = decided is null ? null : "policy", recovery = RecoveryKeys.HashOrNull(request.RecoveryKey),
            },
            ct).ConfigureAwait(false);
        // Approved answers carry credentials and are built by the caller.
        return status == "rejected" ? Rejected(request.Nonce, reason) : Pending(request.Nonce);
    }

    /// <summary>
    /// Mints the device's new secret (the previous one stops working) and builds the answer carrying it: sealed to the
    /// request's response key when it sent one, so only the asker can read the password.
    /// </summary>
    public async Task<ProvisionResponse> ApprovedAsync(ProvisionRequest request, DeviceRow device, CancellationToken ct)
    {
        var credentials = await issuer.IssueAsync(device, ct).ConfigureAwait(false);
        var sealedCredentials = request.ResponseKey is { } key ? CredentialSeal.Seal(credentials, key, request.Nonce) : null;
        return new ProvisionResponse
        {
            Nonce = request.Nonce,
            Status = ProvisionStatus.Approved,
            Credentials = sealedCredentials is null ? credentials : null,
            SealedCredentials = sealedCredentials,
            Config = await issuer.InitialConfigAsync(device, ct).ConfigureAwait(false),
            AtUtc = time.GetUtcNow(),
        };
    }

    public ProvisionResponse Pending(string nonce) =>
        new() { Nonce = nonce, Status = ProvisionStatus.Pending, RetryAfterSeconds = _o.PendingRetrySeconds, AtUtc = time.GetUtcNow() };

    public ProvisionResponse Rejected(string nonce, string? reason) =>
        new() { Nonce = nonce, Status = ProvisionStatus.Rejected, Reason = reason, RetryAfterSeconds = _o.RejectedRetrySeconds, AtUtc = time.GetUtcNow() };

    /// <summary>
    /// The answer to a request that cannot be served. What the requester sent is echoed only within bounds: an answer
    /// larger than the broker's packet limit would be refused and close the provisioning service's own session.
    /// </summary>
    public ProvisionResponse Invalid(string nonce, string reason) => new()
    {
        Nonce = nonce.Length <= ProvisioningDecider.MaxNonceLength ? nonce : "",
        Status = ProvisionStatus.Invalid,
        Reason = reason.Length <= MaxReasonLength ? reason : string.Concat(reason.AsSpan(0, MaxReasonLength), "…"),
        AtUtc = time.GetUtcNow(),
    };

    /// <summary>The longest reason an invalid answer carries.</summary>
    public const int MaxReasonLength = 400;
}
