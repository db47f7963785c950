using System.Buffers;
using System.Collections.Concurrent;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Provisioning.Tests.Infrastructure;
using Iot.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Provisioning.Tests.Alerts.Delivery;

/// <summary>Issue 17 item 2: the bridge's own delivery worker publishes alert events for operators on the real broker.</summary>
public sealed class MqttAlertDeliveryTests
{
    private const string OpsSecret = "ops-alert-test-secret";

    [Fact]
    public async Task Pending_topic_deliveries_reach_an_ops_subscriber_as_alert_events_on_the_tenant_and_platform_topics()
    {
        await using var node = await CloudNode.StartAsync(new Dictionary<string, string?>
        {
            ["Alerts:Delivery:PollSeconds"] = "1",
            ["Broker:ServiceAccounts:ops"] = OpsSecret,
        });
        using var ops = new MqttClientFactory().CreateMqttClient();
        var received = new ConcurrentQueue<MqttApplicationMessage>();
        ops.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await ops.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", node.Port).WithClientId("ops-alert-watch")
            .WithCredentials("svc.ops", OpsSecret).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        var granted = await ops.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("iot/alerts/v1/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, granted.Items.Single().ResultCode);

        var tenantAlert = await node.ScalarAsync<long>(
            """
            INSERT INTO alerts (tenant_id, branch_id, device_id, rule, subject, severity, summary, details, first_seen_at, last_seen_at, resolved_at)
            VALUES ('acme', 'north', 'pos-1', 'backlog-chunks', 'pos-1', 'warning', '612 chunks waiting', '{"value": 612, "threshold": 500, "unit": "chunks"}',
                    now() - interval '1 hour', now(), now()) RETURNING alert_id
            """);
        var platformAlert = await node.ScalarAsync<long>(
            """
            INSERT INTO alerts (rule, subject, severity, summary, details, first_seen_at, last_seen_at)
            VALUES ('certificate-expiry', 'broker', 'critical', 'broker certificate expires in 9 days', '{"value": 9, "threshold": 21}', now(), now())
            RETURNING alert_id
            """);
        var tenantDelivery = await node.ScalarAsync<long>(
            "INSERT INTO alert_deliveries (alert_id, tenant_id, event) VALUES (@tenantAlert, 'acme', 'resolved') RETURNING delivery_id", new { tenantAlert });
        await node.ScalarAsync<long>("INSERT INTO alert_deliveries (alert_id, event) VALUES (@platformAlert, 'opened') RETURNING delivery_id", new { platformAlert });

        await Eventually.WaitAsync(() => Task.FromResult(received.Count >= 2), TimeSpan.FromSeconds(20), "two alert events",
            async () => await node.ScalarAsync<string>("SELECT string_agg(status || ' ' || coalesce(last_error, ''), '; ') FROM alert_deliveries") ?? "");

        var tenantMessage = Assert.Single(received, m => m.Topic == TopicTree.AlertEvents("acme"));
        Assert.False(tenantMessage.Retain);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, tenantMessage.QualityOfServiceLevel);
        var e = ProtocolJson.TryDeserialize<AlertEvent>(tenantMessage.Payload.ToArray(), out _)!;
        Assert.Equal((tenantAlert, "resolved", "acme", "north", "pos-1", "backlog-chunks", "warning"), (e.AlertId, e.Event, e.TenantId, e.BranchId, e.DeviceId, e.Rule, e.Severity));
        Assert.Equal((612d, 500d, "chunks"), (e.Value, e.Threshold, e.Unit));
        Assert.NotNull(e.ResolvedUtc);
        Assert.Equal(e.ResolvedUtc, e.AtUtc);

        var platformMessage = Assert.Single(received, m => m.Topic == TopicTree.PlatformAlertEvents);
        var p = ProtocolJson.TryDeserialize<AlertEvent>(platformMessage.Payload.ToArray(), out _)!;
        Assert.Equal((platformAlert, (string?)null, "certificate-expiry", 9d, "days"), (p.AlertId, p.TenantId, p.Rule, p.Value, p.Unit));

        await Eventually.WaitAsync(
            async () => await node.ScalarAsync<long>("SELECT count(*) FROM alert_deliveries WHERE status = 'delivered' AND attempts = 1 AND delivered_at IS NOT NULL") == 2,
            TimeSpan.FromSeconds(10), "both rows recorded as delivered");
        Assert.Equal("delivered", await node.ScalarAsync<string>("SELECT status FROM alert_deliveries WHERE delivery_id = @tenantDelivery", new { tenantDelivery }));
    }
}
