using System.Text.Json;
using Dapper;
using Iot.Cloud.Bridge.Hosting;
using Iot.Provisioning.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Iot.Provisioning.Tests.Alerts.Prometheus;

/// <summary>
/// The shipped rules, run by Debian's prometheus against a running bridge (real PostgreSQL, embedded broker), fire on
/// the fleet the bridge exports, with the tenants' own thresholds.
/// </summary>
public sealed class PrometheusAlertTests
{
    [Fact]
    public async Task Prometheus_fires_DeviceOffline_for_a_device_offline_past_its_tenants_threshold_and_not_for_one_under_a_higher_override()
    {
        await using var node = await CloudNode.StartAsync(new Dictionary<string, string?>
        {
            ["Metrics:ListenAddress"] = "127.0.0.1",
            ["Alerts:MetricsCacheSeconds"] = "1",
        });
        await using (var c = new NpgsqlConnection(node.ConnectionString))
        {
            // acme keeps the default (60 min); quiet raised device-offline to 600 min. Both devices went offline 2 h ago.
            await c.ExecuteAsync(
                """
                INSERT INTO tenants (tenant_id, name) VALUES ('quiet', 'Quiet');
                INSERT INTO alert_rule_settings (tenant_id, rule, enabled, threshold) VALUES ('quiet', 'device-offline', true, 600);
                INSERT INTO devices (device_id, tenant_id, branch_id, display_name, last_seen_at)
                VALUES ('pos-down', 'acme', 'north', 'Till 1', now() - interval '2 hours'), ('q-down', 'quiet', NULL, 'Quiet till', now() - interval '2 hours'),
                       ('pos-up', 'acme', 'north', 'Till 2', now());
                INSERT INTO device_health (device_id, tenant_id, state, state_at, state_received_at)
                VALUES ('pos-down', 'acme', 'offline', now() - interval '2 hours', now() - interval '2 hours'),
                       ('q-down', 'quiet', 'offline', now() - interval '2 hours', now() - interval '2 hours'),
                       ('pos-up', 'acme', 'online', now(), now());
                """);
        }

        var metrics = new Uri(node.Services.GetRequiredService<MetricsEndpoint>().Addresses[0]);
        await using var prometheus = await PrometheusServer.StartAsync(metrics);
        using var http = new HttpClient { BaseAddress = prometheus.Address, Timeout = TimeSpan.FromSeconds(5) };

        var firing = await WaitForAsync(http, TimeSpan.FromSeconds(40), alerts => alerts.FirstOrDefault(a =>
            a.Labels.GetValueOrDefault("alertname") == "DeviceOffline" && a.Labels.GetValueOrDefault("device") == "pos-down" && a.State == "firing"));

        Assert.Equal("acme", firing.Labels["tenant"]);
        Assert.Equal("north", firing.Labels["branch"]);
        Assert.Equal("critical", firing.Labels["severity"]);
        Assert.Equal("device-offline", firing.Labels["rule"]);
        Assert.False(firing.Labels.ContainsKey("instance"), "the alert must not depend on which bridge exported the gauge");
        Assert.InRange(double.Parse(firing.Value, System.Globalization.CultureInfo.InvariantCulture), 119, 125);

        // quiet's device is exported and its 600-minute threshold scraped, yet it does not fire; nor does the online one.
        Assert.Equal("600", await QueryOneAsync(http, "max(iot_alert_threshold{tenant=\"quiet\",rule=\"device-offline\"})"));
        Assert.NotNull(await QueryOneAsync(http, "max(iot_device_offline_since_timestamp_seconds{device=\"q-down\"})"));
        var alerts = await AlertsAsync(http);
        Assert.DoesNotContain(alerts, a => a.Labels.GetValueOrDefault("device") is "q-down" or "pos-up");
    }

    private sealed record Alert(Dictionary<string, string> Labels, string State, string Value);

    private static async Task<Alert> WaitForAsync(HttpClient http, TimeSpan timeout, Func<List<Alert>, Alert?> pick)
    {
        var until = DateTime.UtcNow + timeout;
        var last = new List<Alert>();
        while (DateTime.UtcNow < until)
        {
            last = await AlertsAsync(http);
            if (pick(last) is { } found)
            {
                return found;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("no such alert; prometheus has: " + JsonSerializer.Serialize(last));
    }

    private static async Task<List<Alert>> AlertsAsync(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/v1/alerts", UriKind.Relative)));
        return doc.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Select(a => new Alert(
                a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                a.GetProperty("state").GetString()!,
                a.GetProperty("value").GetString()!))
            .ToList();
    }

    private static async Task<string?> QueryOneAsync(HttpClient http, string query)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/v1/query?query=" + Uri.EscapeDataString(query), UriKind.Relative)));
        var result = doc.RootElement.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0 ? null : result[0].GetProperty("value")[1].GetString();
    }
}
