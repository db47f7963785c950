namespace Iot.Provisioning.Api;

/// <summary>
/// Section <c>ProvisioningApi</c>: the operator-action API the bridge serves on its own listener (default loopback).
/// It is separate from <c>Metrics</c> on purpose: metrics are unauthenticated and often opened to a scraper network,
/// while this listener changes the registry and should stay on loopback or behind a TLS proxy.
/// </summary>
public sealed class ProvisioningApiOptions
{
    public const string Section = "ProvisioningApi";

    public bool Enabled { get; set; } = true;

    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>0 = any free port (tests read the bound address).</summary>
    public int Port { get; set; } = 9471;

    /// <summary>
    /// Where the bridge writes the token it mints for the <c>local</c> caller when no caller is configured (file mode
    /// 0600), so the dashboard and iotctl on the same box work without set-up. Empty = <c>{Storage:Root}/provisioning-api.token</c>.
    /// </summary>
    public string TokenFile { get; set; } = "";

    /// <summary>Services allowed to call, by name. Only the SHA-256 of each bearer token is configured.</summary>
    public Dictionary<string, ApiCallerOptions> Callers { get; set; } = new(StringComparer.Ordinal);
}

public sealed class ApiCallerOptions
{
    /// <summary>Hex SHA-256 of the caller's bearer token (<c>printf %s "$token" | sha256sum</c>).</summary>
    public string TokenSha256 { get; set; } = "";

    /// <summary>The one tenant this caller may act in, or <c>*</c> for any.</summary>
    public string Tenant { get; set; } = "";

    /// <summary>
    /// True for a caller that acts for signed-in staff (the dashboard): every request must then state the tenant, the
    /// staff user's branches and the staff user, and the decision is recorded under that user.
    /// </summary>
    public bool ActsForStaff { get; set; }
}
