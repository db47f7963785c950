using System.Security.Claims;
using Iot.Dashboard.Auth;

namespace Iot.Dashboard.Data;

/// <summary>
/// Who is asking, taken from the access token's claims once per request. <see cref="TenantDb"/> is the only consumer
/// that matters: it hands the tenant and branches to PostgreSQL row security for every statement.
/// </summary>
public sealed class TenantScope
{
    public const string AllBranches = "*";

    public TenantScope(string tenantId, string userId, string actor, string role, IReadOnlyList<string>? branches)
    {
        TenantId = tenantId;
        UserId = userId;
        Actor = actor;
        Role = role;
        Branches = branches;
    }

    public string TenantId { get; }

    public string UserId { get; }

    /// <summary>What the audit log names (the user's e-mail).</summary>
    public string Actor { get; }

    public string Role { get; }

    /// <summary>Null = every branch.</summary>
    public IReadOnlyList<string>? Branches { get; }

    public string BranchSetting => Branches is null ? AllBranches : string.Join(',', Branches);

    /// <summary>Null when the principal is anonymous or lacks the tenant claim.</summary>
    public static TenantScope? FromPrincipal(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var tenant = user.FindFirstValue(DashboardClaims.Tenant);
        var subject = user.FindFirstValue(DashboardClaims.Subject);
        var role = user.FindFirstValue(DashboardClaims.Role);
        var branches = user.FindFirstValue(DashboardClaims.Branches);
        if (string.IsNullOrEmpty(tenant) || string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(role) || branches is null)
        {
            return null;
        }

        return new TenantScope(
            tenant,
            subject,
            user.FindFirstValue(DashboardClaims.Email) ?? subject,
            role,
            branches == AllBranches ? null : branches.Split(',', StringSplitOptions.RemoveEmptyEntries));
    }
}
