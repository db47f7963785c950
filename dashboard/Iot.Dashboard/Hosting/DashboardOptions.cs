namespace Iot.Dashboard.Hosting;

/// <summary>Section <c>Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>The audio store section (<see cref="Iot.Cloud.Storage.AudioStoreOptions"/>): <c>Kind</c>, <c>Root</c>, <c>S3:*</c>.</summary>
    public const string StorageSection = "Dashboard:Storage";

    /// <summary>
    /// The bridge's <c>Storage:Root</c>: audio lives under <c>recordings/YYYY-MM-DD/{device}/</c> below it (the
    /// default <c>Dashboard:Storage:Root</c>; unused with <c>Dashboard:Storage:Kind=S3</c>).
    /// </summary>
    public string StorageRoot { get; set; } = "/var/lib/iot-bridge";

    /// <summary>The dashboard's own state (created 0700): never the shared temp directory, where other local users could read it.</summary>
    public string DataDirectory { get; set; } = "/var/lib/iot-dashboard";

    /// <summary>Where joined multi-chunk audio (one Ogg stream per dialogue or visit) is kept once built; empty = <c>{DataDirectory}/audio-cache</c>.</summary>
    public string AudioCacheDirectory { get; set; } = "";

    public string AudioCachePath => string.IsNullOrEmpty(AudioCacheDirectory) ? Path.Combine(DataDirectory, "audio-cache") : AudioCacheDirectory;

    public AuthOptions Auth { get; set; } = new();

    public RateLimitOptions RateLimits { get; set; } = new();

    public ProxyOptions Proxy { get; set; } = new();

    public SeedOptions Seed { get; set; } = new();

    public ProvisioningApiClientOptions ProvisioningApi { get; set; } = new();

    /// <summary><c>GET /metrics</c> for Prometheus: who may read it.</summary>
    public Iot.Dashboard.Monitoring.MetricsOptions Metrics { get; set; } = new();

    /// <summary>A device counts as online when it was seen this recently (telemetry arrives every 60 s by default).</summary>
    public int OnlineWindowSeconds { get; set; } = 180;

    /// <summary>How often the Fleet screen's live stream checks for changes.</summary>
    public int FleetPushSeconds { get; set; } = 5;

    /// <summary>How often the alert stream (the bell on every page, the Alerts screen) checks for changes.</summary>
    public int AlertPushSeconds { get; set; } = 5;

    /// <summary>How often the overview's daily roll-up catches up with changed dialogues; 0 = never (the overview then reads raw rows only).</summary>
    public int OverviewRollupSeconds { get; set; } = 60;

    /// <summary>Summary reports (PDF fonts) and their scheduled e-mail.</summary>
    public Iot.Dashboard.Reports.ReportOptions Reports { get; set; } = new();

    /// <summary>Applies migrations at start-up (the bridge does too; both take the same advisory lock).</summary>
    public bool MigrateOnStart { get; set; } = true;
}

public sealed class AuthOptions
{
    /// <summary>HMAC-SHA256 key for access tokens, at least 32 bytes (UTF-8). Only Development gets a built-in default.</summary>
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "iot-dashboard";

    public int AccessTokenMinutes { get; set; } = 10;

    public int RefreshTokenDays { get; set; } = 14;

    /// <summary>
    /// Requests presenting the same refresh token this close together on one instance share one rotation (a browser
    /// sends several at once when its access token expired); they get the same new tokens, nothing extra. Any later
    /// reuse revokes the sign-in. 0 = every second presentation revokes it.
    /// </summary>
    public int RefreshReuseGraceSeconds { get; set; } = 5;

    /// <summary>Cookies carry the Secure flag; turn off only for plain-HTTP local runs.</summary>
    public bool SecureCookies { get; set; } = true;
}

public sealed class RateLimitOptions
{
    /// <summary>Sign-in attempts per client address per minute.</summary>
    public int LoginPerMinute { get; set; } = 10;

    /// <summary>API requests per signed-in user (or client address) per minute.</summary>
    public int ApiPerMinute { get; set; } = 600;

    /// <summary>Failed sign-ins in a row (from any address) before an e-mail is locked.</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>First lock length; each further failure doubles it.</summary>
    public int LockoutBaseSeconds { get; set; } = 30;

    /// <summary>Longest lock (a lock is also a way to keep the owner out, so it stays bounded).</summary>
    public int LockoutMaxSeconds { get; set; } = 900;
}

/// <summary>
/// Reverse proxies whose <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> are believed. None by default: the header is
/// then the client's own claim and ignored (ASP.NET Core would otherwise trust loopback).
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, e.g. <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>Proxies in a chain, counted from the dashboard (X-Forwarded-For entries taken from the right).</summary>
    public int ForwardLimit { get; set; } = 1;
}

/// <summary>The first admin, created at start-up when its e-mail is not known yet (no CLI needed).</summary>
public sealed class SeedOptions
{
    public string TenantId { get; set; } = "";

    public string AdminEmail { get; set; } = "";

    public string AdminPassword { get; set; } = "";
}

/// <summary>
/// The bridge's operator API (<c>ProvisioningApi</c> section of the bridge), which performs approvals, rejections,
/// pre-registrations, config pushes, commands and revocations. No URL = the dashboard only shows; actions answer 503.
/// </summary>
public sealed class ProvisioningApiClientOptions
{
    /// <summary>e.g. <c>http://127.0.0.1:9471/</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>This dashboard's bearer token (the bridge holds only its SHA-256).</summary>
    public string Token { get; set; } = "";

    /// <summary>Or a file holding it, read on every call (the bridge's minted local token file on a one-box install).</summary>
    public string TokenFile { get; set; } = "";
}
