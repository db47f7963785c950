using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Iot.Dashboard.Auth;
using System.Text.Json;
using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Fleet;

/// <summary>
/// Live fleet for the Fleet screen: the device list as a server-sent event whenever it differs from the last one sent,
/// checked every <c>Dashboard:FleetPushSeconds</c>. Polling PostgreSQL keeps it working with several dashboard instances.
/// The stream ends when the access token that opened it expires, or its account is disabled or changed
/// (<see cref="AccountCheck"/>, checked before every poll): authentication ran once, when the stream opened, and a
/// stream lasting hours would otherwise outlive both. The browser's EventSource reconnects with its refreshed cookie.
/// </summary>
public sealed class FleetEvents(FleetQueries fleet, AccountCheck accounts, TimeProvider time, IOptions<DashboardOptions> options)
{
    public const string EventType = "fleet";

    public async IAsyncEnumerable<SseItem<IReadOnlyList<FleetDevice>>> StreamAsync(ClaimsPrincipal user, [EnumeratorCancellation] CancellationToken ct)
    {
        var expires = long.TryParse(user.FindFirstValue("exp"), out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : time.GetUtcNow();
        var last = "";
        while (!ct.IsCancellationRequested && time.GetUtcNow() < expires
            && await accounts.RejectReasonAsync(user, ct).ConfigureAwait(false) is null)
        {
            var devices = await fleet.DevicesAsync(ct).ConfigureAwait(false);
            var json = JsonSerializer.Serialize(devices);
            if (json != last)
            {
                last = json;
                yield return new SseItem<IReadOnlyList<FleetDevice>>(devices, EventType);
            }

            var untilExpiry = expires - time.GetUtcNow();
            var pause = TimeSpan.FromSeconds(options.Value.FleetPushSeconds);
            if (untilExpiry <= TimeSpan.Zero)
            {
                yield break;
            }

            await Task.Delay(untilExpiry < pause ? untilExpiry : pause, time, ct).ConfigureAwait(false);
        }
    }
}
