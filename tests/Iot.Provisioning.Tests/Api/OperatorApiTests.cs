using System.Net;
using Dapper;
using Iot.Provisioning.Tests.Infrastructure;
using Iot.TestSupport;
using MQTTnet;
using Npgsql;

namespace Iot.Provisioning.Tests.Api;

/// <summary>The bridge's operator API is the one owner of operator actions: every caller gets the same behaviour.</summary>
public sealed class OperatorApiTests
{
    [Fact]
    public async Task Revoking_through_the_dashboard_or_through_iotctl_ends_the_live_session_and_writes_the_same_rows()
    {
        await using var node = await CloudNode.StartAsync();
        var first = await node.ProvisionAsync("sn-9001", "till-91");
        var second = await node.ProvisionAsync("sn-9002", "till-92");
        await using var viaDashboard = await FakeDevice.AsIdentityAsync(node.Port, first);
        await using var viaIotctl = await FakeDevice.AsIdentityAsync(node.Port, second);
        Assert.True(viaDashboard.IsConnected && viaIotctl.IsConnected);
        await using var dashboard = await StaffDashboard.StartAsync(node, "tech@acme.test", "technician");

        using (var revoked = await dashboard.Client.PostAsync("/api/devices/till-91/revoke", null))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        var run = await Iotctl.RunAsync(node, "devices", "revoke", "till-92", "--by", "ops@acme.test");
        Assert.True(run.ExitCode == 0, run.StdErr + run.StdOut);

        // Both live sessions are ended by the bridge's one session control, and neither identity logs in again.
        await Eventually.WaitAsync(() => Task.FromResult(!viaDashboard.IsConnected && !viaIotctl.IsConnected), TimeSpan.FromSeconds(10), "both revoked sessions to be ended");
        foreach (var credentials in new[] { first, second })
        {
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await FakeDevice.TryConnectAsync(node.Port, credentials.Username + "-again", credentials.Username, credentials.Password));
        }

        await using var c = new NpgsqlConnection(node.ConnectionString);
        var devices = (await c.QueryAsync<(string Device, bool Revoked, bool Secret)>(
            "SELECT device_id, revoked_at IS NOT NULL, secret_hash IS NOT NULL FROM devices WHERE device_id IN ('till-91', 'till-92') ORDER BY device_id")).ToList();
        Assert.Equal([("till-91", true, false), ("till-92", true, false)], devices);
        var audit = (await c.QueryAsync<(string Target, string Tenant, string Action, string Actor, string Via)>(
            "SELECT target, tenant_id, action, actor, details->>'via' FROM audit_log WHERE target IN ('till-91', 'till-92') ORDER BY target")).ToList();
        Assert.Equal(
            [("till-91", "acme", "device-revoked", "tech@acme.test", "dashboard"), ("till-92", "acme", "device-revoked", "ops@acme.test", "ops")],
            audit);
    }
}
