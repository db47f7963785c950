using System.Collections.Concurrent;
using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Auth;

/// <summary>
/// Per-account progressive lockout, whatever address the guesses come from: after <c>LockoutThreshold</c> failed
/// sign-ins in a row, each further failure locks the e-mail for <c>LockoutBaseSeconds</c> × 2^(n − threshold), capped at
/// <c>LockoutMaxSeconds</c>; a success clears it. Keyed by the e-mail as typed (normalised), known or not, so a lock says
/// nothing about which accounts exist. Checked before the 600,000-round password hash: a locked guess costs nothing.
/// <para>
/// Kept in memory on purpose: no schema change, and restarting the dashboard is not something an attacker can do. With
/// several instances each keeps its own count (the budget multiplies by the instance count); the per-address limiter
/// still applies on each. Entries expire after a day without failures, and the table is capped so sprayed e-mails
/// cannot grow it without bound (the oldest entries go first).
/// </para>
/// </summary>
public sealed class LoginLockout(IOptions<DashboardOptions> options, TimeProvider time)
{
    public const int MaxEntries = 100_000;
    private static readonly TimeSpan Forget = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>How long the e-mail is still locked; null when a sign-in may be tried.</summary>
    public TimeSpan? LockedFor(string email)
    {
        if (!_entries.TryGetValue(Key(email), out var entry))
        {
            return null;
        }

        var left = entry.LockedUntil - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : null;
    }

    public void Failed(string email)
    {
        var limits = options.Value.RateLimits;
        var now = time.GetUtcNow();
        if (_entries.Count >= MaxEntries)
        {
            Prune(now);
        }

        _entries.AddOrUpdate(
            Key(email),
            _ => Next(new Entry(0, DateTimeOffset.MinValue, now), limits, now),
            (_, e) => Next(now - e.LastFailure > Forget ? new Entry(0, DateTimeOffset.MinValue, now) : e, limits, now));
    }

    public void Succeeded(string email) => _entries.TryRemove(Key(email), out _);

    private static Entry Next(Entry e, RateLimitOptions limits, DateTimeOffset now)
    {
        var failures = e.Failures + 1;
        if (failures < limits.LockoutThreshold)
        {
            return new Entry(failures, e.LockedUntil, now);
        }

        var doublings = Math.Min(failures - limits.LockoutThreshold, 20);
        var seconds = Math.Min((double)limits.LockoutBaseSeconds * (1L << doublings), limits.LockoutMaxSeconds);
        return new Entry(failures, now.AddSeconds(seconds), now);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, e) in _entries)
        {
            if (now - e.LastFailure > Forget || e.LockedUntil < now)
            {
                _entries.TryRemove(key, out _);
            }
        }

        // Still full of live locks: drop the oldest half rather than grow (an attacker spraying e-mails).
        if (_entries.Count >= MaxEntries)
        {
            foreach (var (key, _) in _entries.OrderBy(e => e.Value.LastFailure).Take(MaxEntries / 2))
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private static string Key(string email) => (email ?? "").Trim().ToLowerInvariant();

    private sealed record Entry(int Failures, DateTimeOffset LockedUntil, DateTimeOffset LastFailure);
}
