using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Api;

/// <summary>A service allowed to call the operator API, as configured (or the minted local caller).</summary>
public sealed record ApiCaller(string Name, string Tenant, bool ActsForStaff)
{
    public const string AnyTenant = "*";

    /// <summary>The caller the bridge mints a token for when none is configured: any tenant, like a local operator.</summary>
    public const string LocalName = "local";

    public bool AnyTenantAllowed => Tenant == AnyTenant;
}

/// <summary>
/// Finds the caller behind a bearer token. Only hashes are held; every configured hash is compared in constant time and
/// none is skipped, so the time taken says nothing about which caller (if any) nearly matched.
/// </summary>
public sealed class ApiCallers
{
    private readonly (byte[] Hash, ApiCaller Caller)[] _callers;

    public ApiCallers(IOptions<ProvisioningApiOptions> options, LocalApiToken local)
    {
        var configured = options.Value.Callers
            .Select(c => (Convert.FromHexString(c.Value.TokenSha256), new ApiCaller(c.Key, c.Value.Tenant, c.Value.ActsForStaff)))
            .ToList();
        if (configured.Count == 0 && local.Token is { } token)
        {
            configured.Add((Hash(token), new ApiCaller(ApiCaller.LocalName, ApiCaller.AnyTenant, ActsForStaff: false)));
        }

        _callers = [.. configured];
    }

    public int Count => _callers.Length;

    public ApiCaller? Find(string? bearer)
    {
        if (string.IsNullOrEmpty(bearer) || bearer.Length > 512)
        {
            return null;
        }

        var presented = Hash(bearer);
        ApiCaller? found = null;
        foreach (var (hash, caller) in _callers)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, presented))
            {
                found = caller;
            }
        }

        return found;
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static string HashHex(string token) => Convert.ToHexStringLower(Hash(token));
}
