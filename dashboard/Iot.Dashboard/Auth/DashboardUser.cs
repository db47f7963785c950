namespace Iot.Dashboard.Auth;

public sealed class DashboardUser
{
    public Guid UserId { get; init; }
    public string TenantId { get; init; } = "";
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Role { get; init; } = "";
    public string[]? Branches { get; init; }
    public string PasswordHash { get; init; } = "";
    public DateTime? DisabledAt { get; init; }

    /// <summary>The account's own dashboard language (a <c>SupportedCultures</c> name); null = the browser's.</summary>
    public string? Language { get; init; }
}
