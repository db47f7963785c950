using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Alerts;

/// <summary>
/// The notification centre's live feed: the open-alert counts and the newest open alerts as a server-sent event
/// whenever they differ from the last one sent, checked every <c>Dashboard:AlertPushSeconds</c>. Polling PostgreSQL
/// (not a process-local signal) keeps it right with several dashboard instances and with the evaluator in another
/// process. Like <see cref="Fleet.FleetEvents"/>, the stream ends when the access token that opened it expires or its
/// account is disabled or changed (<see cref="AccountCheck"/> before every poll); the browser reconnects with its
/// refreshed cookie, so a revoked user stops receiving alerts within one poll.
/// </summary>
public sealed class AlertEvents(AlertStore alerts, AccountCheck accounts, TimeProvider time, IOptions<DashboardOptions> options)
{
    public const string EventType = "alerts";

    public async IAsyncEnumerable<SseItem<AlertSnapshot>> StreamAsync(ClaimsPrincipal user, [EnumeratorCancellation] CancellationToken ct)
    {
        var expires = long.TryParse(user.FindFirstValue("exp"), out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : time.GetUtcNow();
        var last = "";
        while (!ct.IsCancellationRequested && time.GetUtcNow() < expires
            && await accounts.RejectReasonAsync(user, ct).ConfigureAwait(false) is null)
        {
            var snapshot = await alerts.SnapshotAsync(ct).ConfigureAwait(false);
            var json = JsonSerializer.Serialize(snapshot);
            if (json != last)
            {
                last = json;
                yield return new SseItem<AlertSnapshot>(snapshot, EventType);
            }

            var untilExpiry = expires - time.GetUtcNow();
            var pause = TimeSpan.FromSeconds(options.Value.AlertPushSeconds);
            if (untilExpiry <= TimeSpan.Zero)
            {
                yield break;
            }

            await Task.Delay(untilExpiry < pause ? untilExpiry : pause, time, ct).ConfigureAwait(false);
        }
    }
}
