using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Fleet;

/// <summary>
/// Live fleet for the Fleet screen: the device list as a server-sent event whenever it differs from the last one sent,
/// checked every <c>Dashboard:FleetPushSeconds</c>. Polling PostgreSQL keeps it working with several dashboard instances.
/// </summary>
public sealed class FleetEvents(FleetQueries fleet, TimeProvider time, IOptions<DashboardOptions> options)
{
    public const string EventType = "fleet";

    public async IAsyncEnumerable<SseItem<IReadOnlyList<FleetDevice>>> StreamAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var last = "";
        while (!ct.IsCancellationRequested)
        {
            var devices = await fleet.DevicesAsync(ct).ConfigureAwait(false);
            var json = JsonSerializer.Serialize(devices);
            if (json != last)
            {
                last = json;
                yield return new SseItem<IReadOnlyList<FleetDevice>>(devices, EventType);
            }

            await Task.Delay(TimeSpan.FromSeconds(options.Value.FleetPushSeconds), time, ct).ConfigureAwait(false);
        }
    }
}
