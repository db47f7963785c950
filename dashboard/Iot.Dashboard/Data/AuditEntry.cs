namespace Iot.Dashboard.Data;

/// <summary>
/// What a dashboard action records in <c>audit_log</c>; the tenant and the actor come from the signed-in scope
/// (<see cref="For"/>), and Iot.Cloud.Data's <see cref="AuditLog"/> writes it.
/// </summary>
public sealed record AuditEntry(string Action, string? Target, IReadOnlyDictionary<string, string?>? Details = null)
{
    public AuditRecord For(string? tenantId, string actor) => new(tenantId, actor, Action, Target, Details);
}
