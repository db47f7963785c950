namespace Iot.Security.Tests.Infrastructure;

/// <summary>
/// The dashboard told that 127.0.0.1 is its reverse proxy, so a test can speak as many clients through
/// <c>X-Forwarded-For</c>; small sign-in budgets so throttling and lockout show within a few attempts.
/// </summary>
public sealed class DashboardBehindProxyHost() : DashboardHost(new Dictionary<string, string?>
{
    ["Dashboard:Proxy:KnownProxies:0"] = "127.0.0.1",
    ["Dashboard:RateLimits:LoginPerMinute"] = LoginPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["Dashboard:RateLimits:LockoutThreshold"] = LockoutThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["Dashboard:RateLimits:LockoutBaseSeconds"] = "2",
})
{
    public const int LoginPerMinute = 4;
    public const int LockoutThreshold = 3;
}
