using System.Globalization;

namespace Iot.Provisioning.Tests.Alerts.Delivery;

/// <summary>
/// A tenant admin chooses the webhook URL, so the bridge must not become their way into its own network (SSRF):
/// internal addresses are refused unless Alerts:Delivery:AllowPrivateTargets, and redirects are never followed.
/// </summary>
public sealed class WebhookTargetTests
{
    [Fact]
    public async Task Webhook_urls_inside_the_network_are_refused_when_private_targets_are_not_allowed()
    {
        await using var rig = await DeliveryRig.StartAsync(new Dictionary<string, string?> { ["Alerts:Delivery:AllowPrivateTargets"] = "false" });
        await using var hook = await HookReceiver.StartAsync();
        var port = hook.BaseUrl.Port.ToString(CultureInfo.InvariantCulture);
        var alert = await rig.AlertAsync();
        var urls = new Dictionary<string, string>
        {
            [$"http://127.0.0.1:{port}/hook"] = "internal address",
            // A name that resolves inside: only the connect-time check sees this one.
            [$"http://localhost:{port}/hook"] = "resolves to internal address",
            [$"http://[::ffff:127.0.0.1]:{port}/hook"] = "internal address",
            ["http://169.254.169.254/latest/meta-data/"] = "internal address",
            ["http://10.20.30.40/hook"] = "internal address",
            ["http://192.168.1.1/hook"] = "internal address",
            ["http://100.64.0.1/hook"] = "internal address",
            ["ftp://example.com/hook"] = "http or https",
            ["file:///etc/passwd"] = "http or https",
            [$"http://user:pw@127.0.0.1:{port}/hook"] = "user name or password",
        };
        var deliveries = new Dictionary<long, string>();
        foreach (var (url, reason) in urls)
        {
            deliveries[await rig.DeliveryAsync(alert, await rig.WebhookChannelAsync(url))] = reason;
        }

        var worker = rig.Worker();
        while (await worker.RunOnceAsync(CancellationToken.None) > 0)
        {
        }

        foreach (var (id, reason) in deliveries)
        {
            var row = await rig.RowAsync(id);
            Assert.True(row.Status == "dead" && row.LastError?.Contains(reason, StringComparison.Ordinal) == true, $"delivery {id}: {row}");
            Assert.Null(row.ResponseStatus);
        }

        Assert.Empty(hook.Requests);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_the_delivery_goes_dead_naming_the_location()
    {
        await using var rig = await DeliveryRig.StartAsync();
        await using var hook = await HookReceiver.StartAsync();
        hook.Answer = (r, _) => r.Path == "/moved"
            ? new HookAnswer(302, new Dictionary<string, string> { ["Location"] = hook.Url("internal-admin") })
            : new HookAnswer(200);
        var delivery = await rig.DeliveryAsync(await rig.AlertAsync(), await rig.WebhookChannelAsync(hook.Url("moved")));

        await rig.Worker().RunOnceAsync(CancellationToken.None);

        Assert.Equal(["/moved"], hook.Requests.Select(r => r.Path));
        var row = await rig.RowAsync(delivery);
        Assert.Equal(("dead", 302), (row.Status, row.ResponseStatus));
        Assert.Contains("internal-admin", row.LastError, StringComparison.Ordinal);
        Assert.Contains("not followed", row.LastError, StringComparison.Ordinal);
    }
}
