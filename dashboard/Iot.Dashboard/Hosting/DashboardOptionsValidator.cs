using System.Text;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Hosting;

/// <summary>Start-up checks that name the key at fault.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public const int MinSigningKeyBytes = 32;
    public const int MinPasswordLength = 12;

    public ValidateOptionsResult Validate(string? name, DashboardOptions o)
    {
        var errors = new List<string>();
        const string s = DashboardOptions.Section;
        if (Encoding.UTF8.GetByteCount(o.Auth.SigningKey) < MinSigningKeyBytes)
        {
            errors.Add($"{s}:Auth:SigningKey must be set to at least {MinSigningKeyBytes} bytes of secret (a built-in key is used only when the environment is Development)");
        }

        if (string.IsNullOrWhiteSpace(o.Auth.Issuer))
        {
            errors.Add($"{s}:Auth:Issuer must be set");
        }

        if (o.Auth.AccessTokenMinutes is < 1 or > 60)
        {
            errors.Add($"{s}:Auth:AccessTokenMinutes {o.Auth.AccessTokenMinutes} must be 1..60");
        }

        if (o.Auth.RefreshTokenDays is < 1 or > 90)
        {
            errors.Add($"{s}:Auth:RefreshTokenDays {o.Auth.RefreshTokenDays} must be 1..90");
        }

        if (o.Auth.RefreshReuseGraceSeconds is < 0 or > 30)
        {
            errors.Add($"{s}:Auth:RefreshReuseGraceSeconds {o.Auth.RefreshReuseGraceSeconds} must be 0..30");
        }

        foreach (var network in o.Metrics.AllowedNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                errors.Add($"{s}:Metrics:AllowedNetworks '{network}' is not a network in CIDR notation (e.g. 10.0.0.5/32)");
            }
        }

        if (o.RateLimits.LoginPerMinute < 1)
        {
            errors.Add($"{s}:RateLimits:LoginPerMinute {o.RateLimits.LoginPerMinute} must be at least 1");
        }

        if (o.RateLimits.ApiPerMinute < 1)
        {
            errors.Add($"{s}:RateLimits:ApiPerMinute {o.RateLimits.ApiPerMinute} must be at least 1");
        }

        if (o.RateLimits.LockoutThreshold < 1)
        {
            errors.Add($"{s}:RateLimits:LockoutThreshold {o.RateLimits.LockoutThreshold} must be at least 1");
        }

        if (o.RateLimits.LockoutBaseSeconds < 1 || o.RateLimits.LockoutMaxSeconds < o.RateLimits.LockoutBaseSeconds)
        {
            errors.Add($"{s}:RateLimits:LockoutBaseSeconds {o.RateLimits.LockoutBaseSeconds} must be at least 1 and at most LockoutMaxSeconds {o.RateLimits.LockoutMaxSeconds}");
        }

        for (var i = 0; i < o.Proxy.KnownProxies.Length; i++)
        {
            if (!System.Net.IPAddress.TryParse(o.Proxy.KnownProxies[i], out _))
            {
                errors.Add($"{s}:Proxy:KnownProxies:{i} '{o.Proxy.KnownProxies[i]}' is not an IP address");
            }
        }

        for (var i = 0; i < o.Proxy.KnownNetworks.Length; i++)
        {
            if (!System.Net.IPNetwork.TryParse(o.Proxy.KnownNetworks[i], out _))
            {
                errors.Add($"{s}:Proxy:KnownNetworks:{i} '{o.Proxy.KnownNetworks[i]}' is not a network in CIDR form (10.0.0.0/24)");
            }
        }

        if (o.Proxy.ForwardLimit is < 1 or > 10)
        {
            errors.Add($"{s}:Proxy:ForwardLimit {o.Proxy.ForwardLimit} must be 1..10");
        }

        if (string.IsNullOrWhiteSpace(o.DataDirectory) && string.IsNullOrWhiteSpace(o.AudioCacheDirectory))
        {
            errors.Add($"{s}:DataDirectory must be set (or {s}:AudioCacheDirectory)");
        }

        if (string.IsNullOrWhiteSpace(o.StorageRoot))
        {
            errors.Add($"{s}:StorageRoot must be set");
        }

        if (o.OnlineWindowSeconds < 10)
        {
            errors.Add($"{s}:OnlineWindowSeconds {o.OnlineWindowSeconds} must be at least 10");
        }

        if (o.FleetPushSeconds is < 1 or > 300)
        {
            errors.Add($"{s}:FleetPushSeconds {o.FleetPushSeconds} must be 1..300");
        }

        if (o.AlertPushSeconds is < 1 or > 300)
        {
            errors.Add($"{s}:AlertPushSeconds {o.AlertPushSeconds} must be 1..300");
        }

        if (!string.IsNullOrWhiteSpace(o.ProvisioningApi.Url))
        {
            if (!Uri.TryCreate(o.ProvisioningApi.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                errors.Add($"{s}:ProvisioningApi:Url '{o.ProvisioningApi.Url}' must be an absolute http(s) URL");
            }

            if (string.IsNullOrEmpty(o.ProvisioningApi.Token) == string.IsNullOrEmpty(o.ProvisioningApi.TokenFile))
            {
                errors.Add($"{s}:ProvisioningApi:Token or {s}:ProvisioningApi:TokenFile (one of them) must be set when {s}:ProvisioningApi:Url is");
            }
        }

        if (o.OverviewRollupSeconds is < 0 or > 3600)
        {
            errors.Add($"{s}:OverviewRollupSeconds {o.OverviewRollupSeconds} must be 0..3600");
        }

        if (!string.IsNullOrEmpty(o.Seed.AdminEmail))
        {
            if (!TopicTree.IsValidId(o.Seed.TenantId))
            {
                errors.Add($"{s}:Seed:TenantId '{o.Seed.TenantId}' must be 1-64 of [a-z0-9_-] when Seed:AdminEmail is set");
            }

            if (!o.Seed.AdminEmail.Contains('@', StringComparison.Ordinal))
            {
                errors.Add($"{s}:Seed:AdminEmail '{o.Seed.AdminEmail}' is not an e-mail address");
            }

            if (o.Seed.AdminPassword.Length < MinPasswordLength)
            {
                errors.Add($"{s}:Seed:AdminPassword must be at least {MinPasswordLength} characters");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
