using System.Globalization;
using Iot.Provisioning.Alerts.Delivery;

namespace Iot.Provisioning.Tests.Alerts.Delivery;

/// <summary>Several bridges run the delivery worker against one database: each row must go out once, not once per bridge.</summary>
public sealed class SharedQueueTests
{
    [Fact]
    public async Task Two_workers_on_the_same_due_rows_deliver_each_exactly_once()
    {
        await using var rig = await DeliveryRig.StartAsync();
        await using var hook = await HookReceiver.StartAsync();
        // Slow answers keep one worker's batch in flight while the other claims: the overlap the claim must survive.
        hook.Delay = TimeSpan.FromMilliseconds(50);
        var channel = await rig.WebhookChannelAsync(hook.Url("shared"));
        var alert = await rig.AlertAsync();
        var deliveries = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            deliveries.Add(await rig.DeliveryAsync(alert, channel));
        }

        var options = rig.Options;
        options.BatchSize = 4;
        var workers = new[] { rig.Worker(options, TimeProvider.System), rig.Worker(options, TimeProvider.System) };
        var handled = new int[2];
        await Task.WhenAll(workers.Select((w, i) => Task.Run(async () =>
        {
            int n;
            while ((n = await w.RunOnceAsync(CancellationToken.None)) > 0)
            {
                Interlocked.Add(ref handled[i], n);
            }
        })));

        var ids = hook.Requests.Select(r => long.Parse(r.Header("X-Iot-Delivery")!, CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(deliveries, ids);
        Assert.Equal(30, handled[0] + handled[1]);
        Assert.True(handled[0] > 0 && handled[1] > 0, $"both workers took a share: {handled[0]} and {handled[1]}");
        foreach (var id in deliveries)
        {
            var row = await rig.RowAsync(id);
            Assert.Equal(("delivered", 1), (row.Status, row.Attempts));
        }
    }
}
