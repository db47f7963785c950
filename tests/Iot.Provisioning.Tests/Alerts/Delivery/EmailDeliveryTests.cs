using System.Globalization;
using Iot.Provisioning.Alerts.Delivery;
using Iot.TestSupport;
using MimeKit;

namespace Iot.Provisioning.Tests.Alerts.Delivery;

/// <summary>Issue 17 item 2: alert e-mail through MailKit to a real SMTP server (Debian's aiosmtpd).</summary>
public sealed class EmailDeliveryTests
{
    private static Dictionary<string, string?> Smtp(int port) => new()
    {
        ["Alerts:Smtp:Host"] = "127.0.0.1",
        ["Alerts:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Alerts:Smtp:From"] = "IoT alerts <alerts@iot.test>",
        ["Alerts:Smtp:Security"] = "None",
    };

    [Fact]
    public async Task An_alert_mail_reaches_the_smtp_server_with_subject_recipients_and_both_bodies()
    {
        using var smtp = await SmtpSink.StartAsync();
        await using var rig = await DeliveryRig.StartAsync(Smtp(smtp.Port));
        var delivery = await rig.DeliveryAsync(await rig.AlertAsync(), await rig.EmailChannelAsync("ops@acme.test", "lead@acme.test"));

        Assert.Equal(1, await rig.Worker().RunOnceAsync(CancellationToken.None));

        var row = await rig.RowAsync(delivery);
        Assert.True(row.Status == "delivered", row.ToString());
        var mail = Assert.Single(smtp.Messages());
        Assert.Equal("[iot] CRITICAL device-offline: pos-1 (acme)", mail.Subject);
        Assert.Equal("alerts@iot.test", mail.From.Mailboxes.Single().Address);
        Assert.Equal(["ops@acme.test", "lead@acme.test"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("ops@acme.test, lead@acme.test", mail.Headers["X-RcptTo"]);
        Assert.Contains("pos-1 offline for 75 minutes", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Value: 75 minutes (threshold 60)", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("<h3>[iot] CRITICAL device-offline: pos-1 (acme)</h3>", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alert_text_is_html_escaped_in_the_mail_body()
    {
        using var smtp = await SmtpSink.StartAsync();
        await using var rig = await DeliveryRig.StartAsync(Smtp(smtp.Port));
        var alert = await rig.AlertAsync(subject: "pos-2", summary: "<script>alert(1)</script> offline");
        await rig.DeliveryAsync(alert, await rig.EmailChannelAsync("ops@acme.test"), "resolved");

        await rig.Worker().RunOnceAsync(CancellationToken.None);

        var mail = Assert.Single(smtp.Messages());
        Assert.StartsWith("[iot] RESOLVED CRITICAL device-offline: pos-2", mail.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_smtp_host_email_deliveries_go_dead_saying_smtp_is_not_configured()
    {
        await using var rig = await DeliveryRig.StartAsync();
        var delivery = await rig.DeliveryAsync(await rig.AlertAsync(), await rig.EmailChannelAsync("ops@acme.test"));

        await rig.Worker().RunOnceAsync(CancellationToken.None);

        var row = await rig.RowAsync(delivery);
        Assert.Equal(("dead", EmailSender.NotConfigured), (row.Status, row.LastError));
        Assert.Contains("SMTP not configured", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_smtp_server_is_retried_later()
    {
        await using var rig = await DeliveryRig.StartAsync(Smtp(FreePort.Next()));
        var delivery = await rig.DeliveryAsync(await rig.AlertAsync(), await rig.EmailChannelAsync("ops@acme.test"));

        await rig.Worker().RunOnceAsync(CancellationToken.None);

        var row = await rig.RowAsync(delivery);
        Assert.Equal(("pending", 1), (row.Status, row.Attempts));
        Assert.Contains("SMTP 127.0.0.1", row.LastError, StringComparison.Ordinal);
        Assert.True(DeliveryRig.Utc(row.NextAttemptAt) > rig.Clock.GetUtcNow());
    }

    [Fact]
    public void The_mail_is_composed_with_one_recipient_list_and_a_plain_and_html_part()
    {
        var e = AlertEventFactory.Create(new DueDelivery
        {
            DeliveryId = 1, Event = "opened", AlertId = 7, TenantId = null, Rule = "certificate-expiry", Subject = "broker", Severity = "critical",
            Summary = "broker certificate expires in 5 days", Details = """{"value": 5, "threshold": 21, "unit": "days"}""",
            FirstSeenAt = DateTime.UtcNow, LastSeenAt = DateTime.UtcNow, Occurrences = 1,
        });
        var mail = EmailSender.Compose(e, MailboxAddress.Parse("a@iot.test"), [MailboxAddress.Parse("x@ops.test")]);
        Assert.Equal("[iot] CRITICAL certificate-expiry: broker (platform)", mail.Subject);
        Assert.Contains("Value: 5 days (threshold 21)", mail.TextBody, StringComparison.Ordinal);
        Assert.NotNull(mail.HtmlBody);
    }
}
