using System.Globalization;
using System.Text.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Provisioning.Alerts.Delivery;

namespace Iot.Provisioning.Tests.Alerts.Delivery;

/// <summary>Issue 17 item 2: signed webhooks against a real HTTP receiver, their templates, retries and dead ends.</summary>
public sealed class WebhookDeliveryTests
{
    [Fact]
    public async Task A_webhook_carries_the_alert_signed_with_the_channel_secret_and_only_that_secret_verifies()
    {
        await using var rig = await DeliveryRig.StartAsync();
        await using var hook = await HookReceiver.StartAsync();
        var alert = await rig.AlertAsync();
        var delivery = await rig.DeliveryAsync(alert, await rig.WebhookChannelAsync(hook.Url("hook"), secret: "s3cret-of-acme"));

        Assert.Equal(1, await rig.Worker().RunOnceAsync(CancellationToken.None));

        var request = Assert.Single(hook.Requests);
        Assert.Equal("/hook", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.StartsWith(WebhookSender.UserAgent, request.Header("User-Agent"), StringComparison.Ordinal);
        Assert.Equal(delivery.ToString(CultureInfo.InvariantCulture), request.Header(WebhookSignature.DeliveryHeader));
        var stamp = request.Header(WebhookSignature.TimestampHeader);
        Assert.Equal(rig.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), stamp);
        var signature = request.Header(WebhookSignature.SignatureHeader);
        Assert.StartsWith("sha256=", signature, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify("s3cret-of-acme", stamp, request.Body, signature));
        Assert.False(WebhookSignature.Verify("another-secret", stamp, request.Body, signature));
        Assert.False(WebhookSignature.Verify("s3cret-of-acme", (long.Parse(stamp!, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture), request.Body, signature));
        var tampered = request.Body.ToArray();
        tampered[^2] ^= 1;
        Assert.False(WebhookSignature.Verify("s3cret-of-acme", stamp, tampered, signature));

        // The generic body is the AlertEvent, with the measurement taken from alerts.details.
        var e = ProtocolJson.TryDeserialize<AlertEvent>(request.Body, out var error);
        Assert.True(e is not null, error);
        Assert.Equal((alert, "opened", DeliveryRig.Tenant, "device-offline", "pos-1", "critical"), (e.AlertId, e.Event, e.TenantId, e.Rule, e.Subject, e.Severity));
        Assert.Equal((75d, 60d, "minutes"), (e.Value, e.Threshold, e.Unit));
        Assert.Equal(rig.Clock.GetUtcNow().AddMinutes(-75), e.AtUtc);

        var row = await rig.RowAsync(delivery);
        Assert.Equal(("delivered", 1, 200, (string?)null), (row.Status, row.Attempts, row.ResponseStatus, row.LastError));
        Assert.Equal(rig.Clock.GetUtcNow(), DeliveryRig.Utc(row.DeliveredAt!.Value));

        // Delivered rows are not sent again.
        rig.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await rig.Worker().RunOnceAsync(CancellationToken.None));
        Assert.Single(hook.Requests);
    }

    [Fact]
    public async Task Each_template_posts_the_body_shape_its_chat_product_takes()
    {
        await using var rig = await DeliveryRig.StartAsync();
        await using var hook = await HookReceiver.StartAsync();
        var alert = await rig.AlertAsync();
        foreach (var template in new[] { "generic", "slack", "teams", "bitrix" })
        {
            await rig.DeliveryAsync(alert, await rig.WebhookChannelAsync(hook.Url(template), template));
        }

        Assert.Equal(4, await rig.Worker().RunOnceAsync(CancellationToken.None));
        var bodies = hook.Requests.ToDictionary(r => r.Path.TrimStart('/'), r => JsonDocument.Parse(r.Body).RootElement);
        const string subject = "[iot] CRITICAL device-offline: pos-1 (acme)";

        Assert.Equal("device-offline", bodies["generic"].GetProperty("rule").GetString());
        Assert.Equal(75, bodies["generic"].GetProperty("value").GetDouble());

        var slack = bodies["slack"];
        Assert.Equal(["text"], slack.EnumerateObject().Select(p => p.Name));
        Assert.Contains(subject, slack.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("Value: 75 minutes (threshold 60)", slack.GetProperty("text").GetString(), StringComparison.Ordinal);

        var teams = bodies["teams"];
        Assert.Equal("MessageCard", teams.GetProperty("@type").GetString());
        Assert.Equal(subject, teams.GetProperty("title").GetString());
        Assert.Equal("D70000", teams.GetProperty("themeColor").GetString());
        Assert.Contains("pos-1 offline for 75 minutes", teams.GetProperty("text").GetString(), StringComparison.Ordinal);

        var bitrix = bodies["bitrix"];
        Assert.Equal(["MESSAGE"], bitrix.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("[B]" + subject + "[/B]", bitrix.GetProperty("MESSAGE").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_failing_twice_gets_three_attempts_with_growing_delays_and_the_row_logs_each()
    {
        await using var rig = await DeliveryRig.StartAsync();
        await using var hook = await HookReceiver.StartAsync();
        hook.Answer = (_, n) => new HookAnswer(n <= 2 ? 500 : 200);
        var delivery = await rig.DeliveryAsync(await rig.AlertAsync(), await rig.WebhookChannelAsync(hook.Url("flaky")));
        var worker = rig.Worker();

        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Assert.Equal(1, await worker.RunOnceAsync(CancellationToken.None));
            var row = await rig.RowAsync(delivery);
            Assert.Equal(("pending", attempt, 500), (row.Status, row.Attempts, row.ResponseStatus));
            Assert.Contains("HTTP 500", row.LastError, StringComparison.Ordinal);
            Assert.Equal(rig.Clock.GetUtcNow(), DeliveryRig.Utc(row.LastAttemptAt!.Value));
            var delay = DeliveryRig.Utc(row.NextAttemptAt) - rig.Clock.GetUtcNow();
            delays.Add(delay);

            // Not due yet: nothing is sent a second early.
            rig.Clock.Advance(delay - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
            rig.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(1, await worker.RunOnceAsync(CancellationToken.None));
        var done = await rig.RowAsync(delivery);
        Assert.Equal(("delivered", 3, 200, (string?)null), (done.Status, done.Attempts, done.ResponseStatus, done.LastError));

        // 30 s ±20 %, then 60 s ±20 %.
        Assert.InRange(delays[0].TotalSeconds, 24, 36);
        Assert.InRange(delays[1].TotalSeconds, 48, 72);
        Assert.Equal(3, hook.Requests.Count);
        Assert.Single(hook.Requests.Select(r => r.Header(WebhookSignature.DeliveryHeader)).Distinct());
    }

    [Fact]
    public async Task A_429_waits_as_long_as_its_retry_after_says()
    {
        await using var rig = await DeliveryRig.StartAsync();
        await using var hook = await HookReceiver.StartAsync();
        hook.Answer = (_, _) => new HookAnswer(429, new Dictionary<string, string> { ["Retry-After"] = "600" });
        var delivery = await rig.DeliveryAsync(await rig.AlertAsync(), await rig.WebhookChannelAsync(hook.Url("busy")));

        await rig.Worker().RunOnceAsync(CancellationToken.None);

        var row = await rig.RowAsync(delivery);
        Assert.Equal(("pending", 1, 429), (row.Status, row.Attempts, row.ResponseStatus));
        Assert.Equal(rig.Clock.GetUtcNow().AddSeconds(600), DeliveryRig.Utc(row.NextAttemptAt));
    }

    [Fact]
    public async Task A_404_or_410_goes_dead_at_once_while_408_is_retried()
    {
        await using var rig = await DeliveryRig.StartAsync();
        await using var hook = await HookReceiver.StartAsync();
        hook.Answer = (r, _) => new HookAnswer(int.Parse(r.Path.TrimStart('/'), CultureInfo.InvariantCulture));
        var alert = await rig.AlertAsync();
        var gone = await rig.DeliveryAsync(alert, await rig.WebhookChannelAsync(hook.Url("410")));
        var missing = await rig.DeliveryAsync(alert, await rig.WebhookChannelAsync(hook.Url("404")));
        var slow = await rig.DeliveryAsync(alert, await rig.WebhookChannelAsync(hook.Url("408")));

        await rig.Worker().RunOnceAsync(CancellationToken.None);

        foreach (var (id, code) in new[] { (gone, 410), (missing, 404) })
        {
            var row = await rig.RowAsync(id);
            Assert.Equal(("dead", 1, code), (row.Status, row.Attempts, row.ResponseStatus));
            Assert.Contains($"HTTP {code}", row.LastError, StringComparison.Ordinal);
        }

        Assert.Equal(("pending", 1, 408), ((await rig.RowAsync(slow)).Status, (await rig.RowAsync(slow)).Attempts, (await rig.RowAsync(slow)).ResponseStatus));
        rig.Clock.Advance(TimeSpan.FromHours(2));
        await rig.Worker().RunOnceAsync(CancellationToken.None);
        Assert.Equal(2, hook.Requests.Count(r => r.Path == "/408"));
        Assert.Single(hook.Requests, r => r.Path == "/410");
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_goes_dead_after_max_attempts()
    {
        await using var rig = await DeliveryRig.StartAsync();
        await using var hook = await HookReceiver.StartAsync();
        hook.Answer = (_, _) => new HookAnswer(503);
        var delivery = await rig.DeliveryAsync(await rig.AlertAsync(), await rig.WebhookChannelAsync(hook.Url("down")));
        var options = rig.Options;
        options.MaxAttempts = 3;
        var worker = rig.Worker(options);

        for (var i = 0; i < 5; i++)
        {
            await worker.RunOnceAsync(CancellationToken.None);
            rig.Clock.Advance(TimeSpan.FromHours(1));
        }

        var row = await rig.RowAsync(delivery);
        Assert.Equal(("dead", 3, 503), (row.Status, row.Attempts, row.ResponseStatus));
        Assert.Contains("gave up after 3 attempts", row.LastError, StringComparison.Ordinal);
        Assert.Equal(3, hook.Requests.Count);
    }

    [Fact]
    public async Task A_disabled_channel_gets_nothing_and_its_delivery_goes_dead()
    {
        await using var rig = await DeliveryRig.StartAsync();
        await using var hook = await HookReceiver.StartAsync();
        var delivery = await rig.DeliveryAsync(await rig.AlertAsync(), await rig.WebhookChannelAsync(hook.Url("off"), enabled: false));

        await rig.Worker().RunOnceAsync(CancellationToken.None);

        var row = await rig.RowAsync(delivery);
        Assert.Equal(("dead", "channel disabled"), (row.Status, row.LastError));
        Assert.Empty(hook.Requests);
    }
}
