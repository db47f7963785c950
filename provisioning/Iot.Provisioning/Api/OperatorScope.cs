using Iot.Protocol.Topics;
using Microsoft.AspNetCore.Http;

namespace Iot.Provisioning.Api;

/// <summary>
/// What one request may reach: a tenant (null = every tenant, only for an unbound service caller stating none), the
/// branches (null = all) and who acts. Resolved once per request from the caller's binding and the scope headers.
/// </summary>
public sealed record OperatorScope(string? TenantId, IReadOnlyList<string>? Branches, string Actor, string Via)
{
    public const string TenantHeader = "X-Iot-Tenant";
    public const string BranchesHeader = "X-Iot-Branches";
    public const string ActorHeader = "X-Iot-Actor";
    public const string AllBranches = "*";

    public bool AllowsTenant(string tenantId) => TenantId is null || TenantId == tenantId;

    /// <summary>A device or request without a branch is tenant-wide and visible to every branch of its tenant, as in the dashboard.</summary>
    public bool AllowsBranch(string? branchId) => Branches is null || branchId is null || Branches.Contains(branchId, StringComparer.Ordinal);

    public bool Allows(string tenantId, string? branchId) => AllowsTenant(tenantId) && AllowsBranch(branchId);

    /// <summary>The scope, or the status and reason of the refusal (400 bad headers, 403 a tenant outside the caller's binding).</summary>
    public static (OperatorScope? Scope, int Status, string? Problem) Resolve(ApiCaller caller, IHeaderDictionary headers)
    {
        if (new[] { TenantHeader, BranchesHeader, ActorHeader }.Any(h => headers.TryGetValue(h, out var v) && v.Count > 1))
        {
            return (null, StatusCodes.Status400BadRequest, "a scope header was sent more than once");
        }

        var tenant = Single(headers, TenantHeader);
        var branches = Single(headers, BranchesHeader);
        var actor = Single(headers, ActorHeader);
        if (caller.ActsForStaff && (tenant is null || branches is null || string.IsNullOrWhiteSpace(actor)))
        {
            return (null, StatusCodes.Status400BadRequest, $"this caller acts for staff: state {TenantHeader}, {BranchesHeader} and {ActorHeader}");
        }

        if (tenant is not null && !TopicTree.IsValidId(tenant))
        {
            return (null, StatusCodes.Status400BadRequest, $"{TenantHeader} must be 1-64 of [a-z0-9_-]");
        }

        if (!caller.AnyTenantAllowed)
        {
            // A stated tenant other than the binding is refused whatever exists there: the answer is the same for any name.
            if (tenant is not null && tenant != caller.Tenant)
            {
                return (null, StatusCodes.Status403Forbidden, "tenant outside this caller's scope");
            }

            tenant = caller.Tenant;
        }

        IReadOnlyList<string>? branchList = null;
        if (branches is not null && branches != AllBranches)
        {
            branchList = branches.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (branchList.Count == 0 || branchList.Any(b => !TopicTree.IsValidId(b)))
            {
                return (null, StatusCodes.Status400BadRequest, $"{BranchesHeader} must be '*' or a comma list of branch ids");
            }

            if (tenant is null)
            {
                return (null, StatusCodes.Status400BadRequest, $"{BranchesHeader} needs {TenantHeader}");
            }
        }

        if (actor is { Length: > 200 })
        {
            return (null, StatusCodes.Status400BadRequest, $"{ActorHeader} must be at most 200 characters");
        }

        return (new OperatorScope(tenant, branchList, string.IsNullOrWhiteSpace(actor) ? caller.Name : actor.Trim(), caller.Name), 0, null);
    }

    private static string? Single(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
}
