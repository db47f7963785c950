using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Fleet;

/// <summary>
/// Live fleet for the Fleet screen (the filtered device list) and the device page (one device's detail): a server-sent
/// event whenever the answer differs from the last one sent, checked every <c>Dashboard:FleetPushSeconds</c>. Polling
/// PostgreSQL keeps it working with several dashboard instances and with the fleet service writing device_health in
/// another process. The stream ends when the access token that opened it expires, or its account is disabled or
/// changed (<see cref="AccountCheck"/>, checked before every poll): authentication ran once, when the stream opened, and
/// a stream lasting hours would otherwise outlive both. The browser's EventSource reconnects with its refreshed cookie.
/// </summary>
public sealed class FleetEvents(FleetQueries fleet, DeviceDetails details, AccountCheck accounts, TimeProvider time, IOptions<DashboardOptions> options)
{
    public const string EventType = "fleet";
    public const string DeviceEventType = "device";

    // Uptime grows on every poll by itself: compared, it would push every list and device page on every poll. It
    // goes out with the next real change (telemetry refreshes last-seen at least every telemetry interval).
    private static readonly JsonSerializerOptions ChangeJson = new()
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { IgnoreUptime } },
    };

    public IAsyncEnumerable<SseItem<IReadOnlyList<FleetDevice>>> StreamAsync(ClaimsPrincipal user, FleetFilter filter, bool includeAlerts, CancellationToken ct) =>
        PollAsync<IReadOnlyList<FleetDevice>>(user, EventType, async c => await fleet.DevicesAsync(filter, includeAlerts, c).ConfigureAwait(false), ct);

    /// <summary>One device; the stream ends if the device stops being the caller's (moved to another branch, deleted).</summary>
    public IAsyncEnumerable<SseItem<DeviceDetail>> DeviceStreamAsync(ClaimsPrincipal user, string deviceId, bool includeAlerts, CancellationToken ct) =>
        PollAsync(user, DeviceEventType, c => details.GetAsync(deviceId, includeAlerts, c), ct);

    private async IAsyncEnumerable<SseItem<T>> PollAsync<T>(ClaimsPrincipal user, string eventType, Func<CancellationToken, Task<T?>> read, [EnumeratorCancellation] CancellationToken ct)
        where T : class
    {
        var expires = long.TryParse(user.FindFirstValue("exp"), out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : time.GetUtcNow();
        var last = "";
        while (!ct.IsCancellationRequested && time.GetUtcNow() < expires
            && await accounts.RejectReasonAsync(user, ct).ConfigureAwait(false) is null)
        {
            if (await read(ct).ConfigureAwait(false) is not { } value)
            {
                yield break;
            }

            var json = JsonSerializer.Serialize(value, ChangeJson);
            if (json != last)
            {
                last = json;
                yield return new SseItem<T>(value, eventType);
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

    private static void IgnoreUptime(JsonTypeInfo info)
    {
        if (info.Type != typeof(FleetDevice))
        {
            return;
        }

        foreach (var property in info.Properties.Where(p => p.Name == nameof(FleetDevice.UptimeSeconds)))
        {
            property.ShouldSerialize = static (_, _) => false;
        }
    }
}
