using System.Security.Cryptography;
using Iot.Dashboard.Data;
using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Auth;

public sealed record SignedIn(DashboardUser User, AccessToken Access, string RefreshToken, DateTimeOffset RefreshExpiresAt);

/// <summary>A sign-in attempt: a session, a refusal, or a refusal because the e-mail is locked (retry after).</summary>
public sealed record SignInResult(SignedIn? Session, TimeSpan? LockedFor)
{
    public bool Locked => LockedFor is not null;
}

/// <summary>Sign-in, refresh-token rotation and sign-out, for the API and the browser pages alike.</summary>
public sealed partial class AuthService(AuthStore store, TokenIssuer issuer, LoginLockout lockout, IOptions<DashboardOptions> options, TimeProvider time, ILogger<AuthService> logger)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Rotation> _rotations = new(StringComparer.Ordinal);
    private long _passwordChecks;

    /// <summary>Password hashes verified so far (each costs <see cref="PasswordHashing.Iterations"/> PBKDF2 rounds); a locked e-mail adds none.</summary>
    public long PasswordChecks => Interlocked.Read(ref _passwordChecks);

    public async Task<SignInResult> SignInAsync(string email, string password, string? clientAddress, CancellationToken ct)
    {
        // Before any database read or hash: a locked e-mail costs the attacker a request and the server nothing.
        if (lockout.LockedFor(email ?? "") is { } lockedFor)
        {
            LogSignInLocked(Trim(email), clientAddress);
            return new SignInResult(null, lockedFor);
        }

        var user = string.IsNullOrWhiteSpace(email) ? null : await store.UserByEmailAsync(email.Trim(), ct).ConfigureAwait(false);

        // Verified even for an unknown user (against a decoy hash) so the answer time does not reveal which e-mails exist.
        Interlocked.Increment(ref _passwordChecks);
        var passwordOk = PasswordHashing.Verify(password ?? "", user?.PasswordHash);
        var details = new Dictionary<string, string?> { ["address"] = clientAddress };
        if (user is null || !passwordOk || user.DisabledAt is not null)
        {
            details["reason"] = user is null ? "unknown-user" : user.DisabledAt is not null ? "disabled" : "wrong-password";
            await store.AuditAsync(user?.TenantId, Trim(email), new AuditEntry(AuditActions.SignInFailed, Trim(email), details), ct).ConfigureAwait(false);
            LogSignInFailed(Trim(email), details["reason"]);
            lockout.Failed(email ?? "");
            return new SignInResult(null, null);
        }

        lockout.Succeeded(email!);
        var signedIn = await IssueAsync(user, Guid.CreateVersion7(), ct).ConfigureAwait(false);
        await store.AuditAsync(user.TenantId, user.Email, new AuditEntry(AuditActions.SignIn, user.Email, details), ct).ConfigureAwait(false);
        return new SignInResult(signedIn, null);
    }

    /// <summary>
    /// Rotates a refresh token. Requests presenting the same token within <c>RefreshReuseGraceSeconds</c> on this
    /// instance share the one rotation and get the same new tokens: a browser whose access token expired sends several
    /// requests at once with the same refresh cookie, and without this all but the first would look like theft and sign
    /// the user out. Nothing new is issued to the later presenters, and any presentation after that moment (or on
    /// another instance) revokes the whole family.
    /// </summary>
    public async Task<SignedIn?> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(refreshToken) || refreshToken.Length > 128)
        {
            return null;
        }

        var oldHash = HashOf(refreshToken);
        var now = time.GetUtcNow();
        var window = TimeSpan.FromSeconds(options.Value.Auth.RefreshReuseGraceSeconds);
        foreach (var (key, stale) in _rotations)
        {
            if (now - stale.At > window)
            {
                _rotations.TryRemove(key, out _);
            }
        }

        if (window <= TimeSpan.Zero)
        {
            return await RotateAsync(oldHash, ct).ConfigureAwait(false);
        }

        // The shared rotation must not be cancelled by whichever request happened to start it.
        // GetOrAdd may run its factory more than once under a race; the Lazy makes sure only one rotation starts.
        var rotation = _rotations.GetOrAdd(oldHash, h => new Rotation(new Lazy<Task<SignedIn?>>(() => RotateAsync(h, CancellationToken.None)), now));
        return await rotation.Result.Value.WaitAsync(ct).ConfigureAwait(false);
    }

    public async Task SignOutAsync(string refreshToken, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(refreshToken))
        {
            return;
        }

        // Signed out: a rotation of this account shared a moment ago must not hand its tokens to anyone any more.
        if (await store.RevokeAsync(HashOf(refreshToken), time.GetUtcNow(), ct).ConfigureAwait(false) is { } userId)
        {
            foreach (var (key, rotation) in _rotations)
            {
                if (!rotation.Result.IsValueCreated || !rotation.Result.Value.IsCompleted || rotation.Result.Value.Result?.User.UserId == userId)
                {
                    _rotations.TryRemove(key, out _);
                }
            }
        }
    }

    internal static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private async Task<SignedIn?> RotateAsync(string oldHash, CancellationToken ct)
    {
        var (token, hash) = NewRefreshToken();
        var expires = time.GetUtcNow().AddDays(options.Value.Auth.RefreshTokenDays);
        var user = await store.RotateRefreshAsync(oldHash, hash, expires, time.GetUtcNow(), ct).ConfigureAwait(false);
        return user is null ? null : new SignedIn(user, issuer.Issue(user), token, expires);
    }

    private static (string Token, string Hash) NewRefreshToken()
    {
        var token = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (token, HashOf(token));
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Trim(string? email) => (email ?? "").Trim() is var e && e.Length > 200 ? e[..200] : (email ?? "").Trim();

    private async Task<SignedIn> IssueAsync(DashboardUser user, Guid familyId, CancellationToken ct)
    {
        var (token, hash) = NewRefreshToken();
        var now = time.GetUtcNow();
        var expires = now.AddDays(options.Value.Auth.RefreshTokenDays);
        await store.StoreRefreshAsync(hash, user.UserId, familyId, expires, now, ct).ConfigureAwait(false);
        return new SignedIn(user, issuer.Issue(user), token, expires);
    }

    private sealed record Rotation(Lazy<Task<SignedIn?>> Result, DateTimeOffset At);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused for '{Email}' from {Address}: locked after repeated failures")]
    private partial void LogSignInLocked(string email, string? address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused for '{Email}': {Reason}")]
    private partial void LogSignInFailed(string email, string? reason);
}
