using Iot.Protocol.Messages;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Storage;

namespace Iot.Provisioning.Api;

/// <summary>
/// Who a call acts for: the tenant (null = the caller's binding, or every tenant for an unbound caller), the acting
/// user's branches (null = all) and the acting user recorded with the decision (null = the caller's name).
/// </summary>
public sealed record ActingAs(string? TenantId, IReadOnlyList<string>? Branches, string? Actor)
{
    public static readonly ActingAs Caller = new(null, null, null);
}

/// <summary>
/// Operator actions as the dashboard and iotctl see them: each call goes to the bridge's operator API, which owns them.
/// Refusals: <see cref="NotInScopeException"/> for anything missing or outside the scope (404),
/// <see cref="ProvisioningException"/> for a reason the operator can act on (400/409), and
/// <see cref="ProvisioningApiUnavailableException"/> when the API cannot be reached or refuses the caller.
/// </summary>
public interface IProvisioningActions
{
    Task<IReadOnlyList<DeviceView>> DevicesAsync(ActingAs who, CancellationToken ct);

    Task<DeviceView> DeviceAsync(ActingAs who, string deviceId, CancellationToken ct);

    Task<IReadOnlyList<PendingView>> PendingAsync(ActingAs who, CancellationToken ct);

    Task<DeviceView> ApproveAsync(ActingAs who, string serial, ApproveBody body, CancellationToken ct);

    Task RejectAsync(ActingAs who, string serial, string reason, CancellationToken ct);

    Task RevokeAsync(ActingAs who, string deviceId, CancellationToken ct);

    Task<Guid> RotateAsync(ActingAs who, string deviceId, TimeSpan timeout, CancellationToken ct);

    Task<DeviceConfigState> ConfigAsync(ActingAs who, string deviceId, CancellationToken ct);

    /// <summary>Stores <paramref name="document"/> as the next desired version (its own version is ignored) and publishes it retained.</summary>
    Task<DeviceConfigDocument> SetConfigAsync(ActingAs who, string deviceId, DeviceConfigDocument document, CancellationToken ct);

    Task<Guid> SendCommandAsync(ActingAs who, string deviceId, CommandBody body, CancellationToken ct);

    Task<CommandRow> CommandAsync(ActingAs who, Guid commandId, CancellationToken ct);

    Task<PreregistrationResult> PreregisterAsync(ActingAs who, string csv, CancellationToken ct);

    Task<ClaimToken> CreateClaimAsync(ActingAs who, ClaimBody body, CancellationToken ct);

    Task<IReadOnlyList<ReprovisionAuditRow>> ReprovisionAuditAsync(ActingAs who, int limit, CancellationToken ct);

    /// <summary>The job queue in scope: depth by kind, status and priority; running, dead and waiting jobs.</summary>
    Task<JobsView> JobsAsync(ActingAs who, CancellationToken ct);

    /// <summary>A dead job back to queued (attempts reset, due now); 409 when it is not dead or its work is queued again.</summary>
    Task<JobActionResult> RetryJobAsync(ActingAs who, long jobId, CancellationToken ct);

    /// <summary>A queued or waiting job marked done with <paramref name="reason"/>; 409 for any other status.</summary>
    Task<JobActionResult> CancelJobAsync(ActingAs who, long jobId, string? reason, CancellationToken ct);

    /// <summary>Every dead job of a kind in scope, in one transaction; more than <paramref name="max"/> is refused (409) and nothing changes.</summary>
    Task<JobActionResult> RetryJobsOfKindAsync(ActingAs who, string kind, int max, CancellationToken ct);

    /// <summary>Alerts in scope, newest first: <paramref name="state"/> open or all, at most <paramref name="limit"/>.</summary>
    Task<AlertsView> AlertsAsync(ActingAs who, string state, int limit, CancellationToken ct);
}

/// <summary>The API is not configured, cannot be reached, or does not accept this caller's token.</summary>
public sealed class ProvisioningApiUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

public static class ProvisioningActionsExtensions
{
    /// <summary>Polls until the command has a final status (the API marks one past its expiry as timeout).</summary>
    public static async Task<CommandRow> WaitForCommandAsync(this IProvisioningActions actions, ActingAs who, Guid commandId, TimeProvider time, CancellationToken ct)
    {
        while (true)
        {
            var row = await actions.CommandAsync(who, commandId, ct).ConfigureAwait(false);
            if (row.Status is not ("sent" or "accepted"))
            {
                return row;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct).ConfigureAwait(false);
        }
    }
}
