using System.Collections.Concurrent;
using System.Security.Claims;

namespace Iot.Dashboard.Auth;

/// <summary>
/// Runs on every authenticated request: an access token is refused once its account is disabled or its role or
/// branches changed, within <see cref="Freshness"/>, instead of staying good until it expires. One cheap lookup per
/// user per few seconds keeps the cost off the hot path.
/// </summary>
public sealed class AccountCheck(AuthStore store, TimeProvider time)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Guid, (DashboardUser? User, DateTimeOffset ReadAt)> _cache = new();

    /// <summary>A change made here takes effect on the next request in this process (other instances: within <see cref="Freshness"/>).</summary>
    public void Forget(Guid userId) => _cache.TryRemove(userId, out _);

    /// <summary>
    /// The account as read at most <see cref="Freshness"/> ago. The token check reads it first on every request, so
    /// later readers of the same request (the culture provider: <c>Localization/UserCultureProvider</c>) cost nothing.
    /// </summary>
    public async Task<DashboardUser?> UserAsync(Guid userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(userId, out var hit) || now - hit.ReadAt > Freshness)
        {
            hit = (await store.UserByIdAsync(userId, ct).ConfigureAwait(false), now);
            _cache[userId] = hit;
        }

        return hit.User;
    }

    /// <summary>Null when the token still speaks for its account, else why not.</summary>
    public async Task<string?> RejectReasonAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (!Guid.TryParse(principal.FindFirstValue(DashboardClaims.Subject), out var userId))
        {
            return "token without a user id";
        }

        if (await UserAsync(userId, ct).ConfigureAwait(false) is not { } user)
        {
            return "account no longer exists";
        }

        if (user.DisabledAt is not null)
        {
            return "account disabled";
        }

        // Same encoding as TokenIssuer: "*" for every branch, else the list joined by commas.
        var branches = user.Branches is null ? Data.TenantScope.AllBranches : string.Join(',', user.Branches);
        return principal.FindFirstValue(DashboardClaims.Role) != user.Role || principal.FindFirstValue(DashboardClaims.Branches) != branches
            ? "account role or branches changed; sign in again"
            : null;
    }
}
