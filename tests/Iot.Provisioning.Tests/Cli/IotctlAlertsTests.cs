using Iot.Provisioning.Storage;
using Iot.Provisioning.Tests.Infrastructure;

namespace Iot.Provisioning.Tests.Cli;

/// <summary><c>iotctl alerts list</c> as a separate process against a real bridge's operator API (the <c>ops</c> caller, any tenant).</summary>
public sealed class IotctlAlertsTests
{
    [Fact]
    public async Task Alerts_list_shows_open_alerts_of_every_tenant_and_the_platform_all_adds_resolved_and_tenant_narrows_it()
    {
        // The bridge's own evaluator would resolve rows no rule fires for; the test writes them.
        await using var node = await CloudNode.StartAsync(new Dictionary<string, string?> { ["Alerts:EvaluateSeconds"] = "3600", ["Pipeline:Workers:Enabled"] = "false" });
        await node.Admin.EnsureTenantAsync("other", ReprovisionPolicy.Queue, CancellationToken.None);
        await node.Store.ExecuteAsync(
            """
            INSERT INTO alerts (tenant_id, branch_id, device_id, rule, subject, severity, summary, first_seen_at, last_seen_at, occurrences, resolved_at) VALUES
                ('acme', 'north', 'till-1', 'device-offline', 'till-1', 'critical', 'Till (till-1) has been offline for 75 min', now(), now(), 4, NULL),
                ('other', NULL, NULL, 'dead-jobs', 'transcribe', 'warning', '2 transcribe jobs dead-lettered', now(), now(), 1, NULL),
                (NULL, NULL, NULL, 'certificate-expiry', 'broker-tls', 'critical', 'Certificate broker-tls expires in 3 days', now(), now(), 9, NULL),
                ('acme', 'north', 'till-2', 'mic-missing', 'till-2', 'critical', 'Till 2 microphone was missing', now(), now(), 2, now());
            """,
            null,
            CancellationToken.None);

        var open = await Iotctl.RunAsync(node, "alerts", "list");
        Assert.True(open.ExitCode == 0, open.StdErr);
        Assert.Contains("has been offline for 75 min", open.StdOut, StringComparison.Ordinal);
        Assert.Contains("(platform)", open.StdOut, StringComparison.Ordinal);
        Assert.Contains("dead-lettered", open.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("microphone was missing", open.StdOut, StringComparison.Ordinal);
        Assert.Contains("3 open alert(s) listed", open.StdOut, StringComparison.Ordinal);

        var all = await Iotctl.RunAsync(node, "alerts", "list", "--all");
        Assert.True(all.ExitCode == 0, all.StdErr);
        Assert.Contains("microphone was missing", all.StdOut, StringComparison.Ordinal);

        var acme = await Iotctl.RunAsync(node, "alerts", "list", "--tenant", CloudNode.Tenant);
        Assert.True(acme.ExitCode == 0, acme.StdErr);
        Assert.Contains("has been offline for 75 min", acme.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("(platform)", acme.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("dead-lettered", acme.StdOut, StringComparison.Ordinal);

        var bad = await Iotctl.RunAsync(node, "alerts", "list", "--limit", "0");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("limit must be 1..1000", bad.StdErr, StringComparison.Ordinal);
    }
}
