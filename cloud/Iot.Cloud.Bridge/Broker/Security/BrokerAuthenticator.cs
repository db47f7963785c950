using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>
/// Decides who a CONNECT is. Verdicts are cached per (username, client id, password) for a few seconds: positive
/// ones 10 s so reconnect storms cost no PBKDF2 or query, negative ones 2 s so a fixed credential works almost at
/// once. A revocation therefore bars reconnects within 10 s; <see cref="Forget"/> makes it immediate.
/// </summary>
public sealed class BrokerAuthenticator(CredentialStore store, IOptions<BrokerOptions> options, TimeProvider time)
{
    private static readonly TimeSpan PositiveTtl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan NegativeTtl = TimeSpan.FromSeconds(2);
    private const int MaxCachedVerdicts = 20_000;

    // Keyed by an HMAC of the password under a per-process key, so the cache never holds a usable secret.
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<(string User, string Client, string Digest), (AuthVerdict Verdict, long Expires)> _cache = new();

    // PBKDF2 is deliberately slow; a flood of CONNECTs with made-up passwords must not starve ingest of CPU.
    private readonly SemaphoreSlim _hashing = new(Math.Max(1, Environment.ProcessorCount / 2));

    public async Task<AuthVerdict> AuthenticateAsync(string? username, string? password, string? clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password) || string.IsNullOrEmpty(clientId))
        {
            return AuthVerdict.Refuse("missing username, password or client id");
        }

        var key = (username, clientId, Convert.ToHexString(HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(password))));
        var now = time.GetUtcNow().UtcTicks;
        if (_cache.TryGetValue(key, out var hit) && hit.Expires > now)
        {
            return hit.Verdict;
        }

        AuthVerdict verdict;
        await _hashing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            verdict = await DecideAsync(username, password, clientId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _hashing.Release();
        }

        if (_cache.Count >= MaxCachedVerdicts)
        {
            // Random passwords would otherwise grow the cache without bound; expired verdicts go first.
            foreach (var stale in _cache.Where(kv => kv.Value.Expires <= now).Select(kv => kv.Key).ToList())
            {
                _cache.TryRemove(stale, out _);
            }

            if (_cache.Count >= MaxCachedVerdicts)
            {
                _cache.Clear();
            }
        }

        _cache[key] = (verdict, now + (verdict.Principal is null ? NegativeTtl : PositiveTtl).Ticks);
        return verdict;
    }

    /// <summary>Drops cached verdicts for a username, so a revoked credential is refused on its very next CONNECT.</summary>
    public void Forget(string username)
    {
        foreach (var k in _cache.Keys.Where(k => k.User == username).ToList())
        {
            _cache.TryRemove(k, out _);
        }
    }

    private static bool IsDeviceOrClaimClientId(string clientId) =>
        clientId.StartsWith(MqttIdentities.ClaimPrefix, StringComparison.Ordinal)
        || (clientId.Contains('.', StringComparison.Ordinal) && !clientId.StartsWith(MqttIdentities.ServicePrefix, StringComparison.Ordinal));

    private async Task<AuthVerdict> DecideAsync(string username, string password, string clientId, CancellationToken ct)
    {
        if (username.StartsWith(MqttIdentities.ServicePrefix, StringComparison.Ordinal))
        {
            var name = username[MqttIdentities.ServicePrefix.Length..];
            if (!ServiceNames.All.Contains(name) || !options.Value.ServiceAccounts.TryGetValue(name, out var secret) || string.IsNullOrEmpty(secret))
            {
                return AuthVerdict.Refuse("unknown service account");
            }

            if (IsDeviceOrClaimClientId(clientId))
            {
                // Taking over a device's or claim's client id would disconnect it: not something a service does.
                return AuthVerdict.Refuse("service client id in the device/claim namespace");
            }

            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(secret))
                ? AuthVerdict.Accept(MqttPrincipal.Service(name))
                : AuthVerdict.Refuse("wrong secret");
        }

        if (username.StartsWith(MqttIdentities.ClaimPrefix, StringComparison.Ordinal))
        {
            var claimId = username[MqttIdentities.ClaimPrefix.Length..];
            if (!clientId.StartsWith(MqttIdentities.ClaimPrefix, StringComparison.Ordinal) || !TopicTree.IsValidId(clientId[MqttIdentities.ClaimPrefix.Length..]))
            {
                return AuthVerdict.Refuse("claim client id must be claim.{serial}");
            }

            var claim = await store.FindClaimAsync(claimId, ct).ConfigureAwait(false);
            if (claim is null || !SecretHash.Verify(password, claim.SecretHash))
            {
                return AuthVerdict.Refuse("unknown claim or wrong secret");
            }

            return claim.Unusable
                ? AuthVerdict.Refuse("claim revoked, expired or used up")
                : AuthVerdict.Accept(MqttPrincipal.Claim(claimId, clientId[MqttIdentities.ClaimPrefix.Length..]));
        }

        var dot = username.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || !TopicTree.IsValidId(username[..dot]) || !TopicTree.IsValidId(username[(dot + 1)..]))
        {
            return AuthVerdict.Refuse("username is not tenant.device");
        }

        if (clientId != username)
        {
            return AuthVerdict.Refuse("device client id must equal its username");
        }

        var device = await store.FindDeviceAsync(username[..dot], username[(dot + 1)..], ct).ConfigureAwait(false);
        if (device is null || !(SecretHash.Verify(password, device.SecretHash) || SecretHash.Verify(password, device.PendingSecretHash)))
        {
            return AuthVerdict.Refuse("unknown device or wrong secret");
        }

        return device.Revoked
            ? AuthVerdict.Refuse("device revoked or disabled")
            : AuthVerdict.Accept(MqttPrincipal.Device(username[..dot], username[(dot + 1)..]));
    }
}

public sealed record AuthVerdict(MqttPrincipal? Principal, string Reason)
{
    public static AuthVerdict Accept(MqttPrincipal principal) => new(principal, "");

    public static AuthVerdict Refuse(string reason) => new(null, reason);
}
