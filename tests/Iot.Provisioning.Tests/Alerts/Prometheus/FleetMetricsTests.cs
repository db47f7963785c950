using Iot.Provisioning.Alerts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Tests.Alerts.Prometheus;

public sealed class FleetMetricsTests
{
    private sealed class OneCertificate(DateTimeOffset notAfter) : ICertificateExpirySource
    {
        public IReadOnlyList<WatchedCertificate> Certificates() => [new WatchedCertificate("broker-tls", "CN=broker", notAfter)];
    }

    private static FleetMetrics Metrics(AlertRig rig, int cacheSeconds = 15) =>
        new(rig.DataSource, new OneCertificate(AlertRig.Start.AddDays(10)), Options.Create(new AlertOptions { MetricsCacheSeconds = cacheSeconds }), rig.Time, NullLogger<FleetMetrics>.Instance);

    [Fact]
    public async Task Gauges_show_enabled_devices_and_every_tenants_thresholds_and_leave_out_rules_a_tenant_switched_off()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("pos-1");
        await rig.DeviceAsync("pos-2");
        await rig.DeviceAsync("gone");
        await rig.ExecuteAsync("UPDATE devices SET enabled = false WHERE device_id = 'gone'");
        await rig.HealthAsync("pos-1", "offline", TimeSpan.FromMinutes(90), """{"outboxDepth": 7, "outboxBytes": 2048, "spoolFreeBytes": 25, "spoolTotalBytes": 100}""");
        await rig.ExecuteAsync(
            """
            INSERT INTO alert_rule_settings (tenant_id, rule, enabled, threshold) VALUES ('other', 'device-offline', true, 600), ('other', 'crash-loop', false, NULL);
            INSERT INTO device_events (device_id, tenant_id, at, kind) VALUES ('pos-1', 'acme', @at, 'restart'), ('pos-1', 'acme', @at, 'restart');
            """,
            new { at = AlertRig.Start.AddMinutes(-10) });
        using var metrics = Metrics(rig);

        var text = await metrics.RenderAsync(CancellationToken.None);

        var offlineSince = AlertRig.Start.AddMinutes(-90).ToUnixTimeSeconds();
        Assert.Contains($"iot_device_offline_since_timestamp_seconds{{tenant=\"acme\",branch=\"north\",device=\"pos-1\"}} {offlineSince}\n", text, StringComparison.Ordinal);
        Assert.Contains("iot_device_online{tenant=\"acme\",branch=\"north\",device=\"pos-1\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("iot_device_outbox_chunks{tenant=\"acme\",branch=\"north\",device=\"pos-1\"} 7\n", text, StringComparison.Ordinal);
        Assert.Contains("iot_device_spool_free_ratio{tenant=\"acme\",branch=\"north\",device=\"pos-1\"} 0.25\n", text, StringComparison.Ordinal);
        Assert.Contains("iot_device_restarts_1h{tenant=\"acme\",branch=\"north\",device=\"pos-1\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains($"iot_device_last_heard_timestamp_seconds{{tenant=\"acme\",branch=\"north\",device=\"pos-2\"}} {AlertRig.Start.ToUnixTimeSeconds()}\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("device=\"gone\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("iot_device_online{tenant=\"acme\",branch=\"north\",device=\"pos-2\"}", text, StringComparison.Ordinal);

        Assert.Contains("iot_alert_threshold{tenant=\"acme\",rule=\"device-offline\"} 60\n", text, StringComparison.Ordinal);
        Assert.Contains("iot_alert_threshold{tenant=\"other\",rule=\"device-offline\"} 600\n", text, StringComparison.Ordinal);
        Assert.Contains("iot_alert_threshold{tenant=\"acme\",rule=\"crash-loop\"} 3\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("iot_alert_threshold{tenant=\"other\",rule=\"crash-loop\"}", text, StringComparison.Ordinal);
        Assert.Contains("iot_alert_threshold{tenant=\"\",rule=\"certificate-expiry\"} 21\n", text, StringComparison.Ordinal);
        Assert.Contains($"iot_tls_certificate_expiry_timestamp_seconds{{name=\"broker-tls\"}} {AlertRig.Start.AddDays(10).ToUnixTimeSeconds()}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrapes_within_the_cache_period_share_one_database_read_and_a_later_scrape_sees_changes()
    {
        await using var rig = await AlertRig.StartAsync();
        await rig.DeviceAsync("pos-1");
        using var metrics = Metrics(rig, cacheSeconds: 15);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => metrics.RenderAsync(CancellationToken.None)));
        await rig.HealthAsync("pos-1", "offline", TimeSpan.Zero);
        rig.Time.Advance(TimeSpan.FromSeconds(14));
        var cached = await metrics.RenderAsync(CancellationToken.None);

        Assert.Equal(1, metrics.Reads);
        Assert.DoesNotContain("iot_device_offline_since_timestamp_seconds{", cached, StringComparison.Ordinal);

        rig.Time.Advance(TimeSpan.FromSeconds(2));
        var fresh = await metrics.RenderAsync(CancellationToken.None);

        Assert.Equal(2, metrics.Reads);
        Assert.Contains("iot_device_offline_since_timestamp_seconds{tenant=\"acme\",branch=\"north\",device=\"pos-1\"}", fresh, StringComparison.Ordinal);
    }
}
