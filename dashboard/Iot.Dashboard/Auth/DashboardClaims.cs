namespace Iot.Dashboard.Auth;

/// <summary>Claim names in the access token (inbound claim mapping is off, so these arrive unchanged).</summary>
public static class DashboardClaims
{
    public const string Subject = "sub";
    public const string Email = "email";
    public const string Role = "role";
    public const string Tenant = "tenant";

    /// <summary>"*" or a comma-separated list of branch ids.</summary>
    public const string Branches = "branches";
}
