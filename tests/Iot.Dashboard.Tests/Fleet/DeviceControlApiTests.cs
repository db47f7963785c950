using System.Net;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Fleet;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Provisioning.Service;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Iot.Dashboard.Tests.Fleet;

public sealed class DeviceControlApiTests(BrokerFixture fx) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task A_technician_pushes_config_and_a_restart_that_reach_the_device_and_the_page_shows_the_command_result()
    {
        using var tech = await fx.ClientAsAsync(SeedData.AcmeTechnician);
        var first = await tech.PostAsJsonAsync("/api/devices/acme-d1/config", new DeviceConfigChange(RecordingEnabled: false, Trigger: "Schedule", Schedule: new Dictionary<string, string> { ["Mon-Fri"] = "09:00-17:00" }));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var v1 = (await first.Content.ReadFromJsonAsync<ConfigPushed>())!.Version;
        var config = await fx.ReceivedAsync(m => m.Topic == "iot/v1/acme/acme-d1/config" && m.Payload.Contains($"\"version\":{v1}", StringComparison.Ordinal));
        var document = ProtocolJson.TryDeserialize<DeviceConfigDocument>(System.Text.Encoding.UTF8.GetBytes(config.Payload), out _)!;
        Assert.False(document.Recording!.BranchEnabled);
        Assert.Equal("09:00-17:00", document.Recording.Schedule!["Mon-Fri"]);

        // The next change keeps what the previous one set (the desired document is merged, like iotctl config set).
        var second = await (await tech.PostAsJsonAsync("/api/devices/acme-d1/config", new DeviceConfigChange(ChunkSeconds: 30))).Content.ReadFromJsonAsync<ConfigPushed>();
        Assert.Equal(v1 + 1, second!.Version);

        var sent = await tech.PostAsJsonAsync("/api/devices/acme-d1/commands", new DeviceCommandRequest("restart"));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var commandId = (await sent.Content.ReadFromJsonAsync<CommandSent>())!.CommandId;
        var cmd = await fx.ReceivedAsync(m => m.Topic == "iot/v1/acme/acme-d1/cmd" && m.Payload.Contains(commandId.ToString(), StringComparison.Ordinal));
        Assert.Contains("\"name\":\"restart\"", cmd.Payload, StringComparison.Ordinal);

        // The device answers on cmdresult; the bridge's CommandTracker records it.
        var tracker = fx.Bridge.Services.GetRequiredService<CommandTracker>();
        await tracker.OnResultAsync("acme", "acme-d1", ProtocolJson.Serialize(new CommandResult { CommandId = commandId, Status = CommandStatus.Done, Detail = "stopping", AtUtc = DateTimeOffset.UtcNow }), CancellationToken.None);

        var detail = await tech.GetFromJsonAsync<DeviceDetail>("/api/devices/acme-d1");
        Assert.Equal(v1 + 1, detail!.Config.DesiredVersion);
        Assert.Contains("\"branchEnabled\": false", detail.Config.Desired, StringComparison.Ordinal);
        Assert.Contains("\"chunkSeconds\": 30", detail.Config.Desired, StringComparison.Ordinal);
        var row = Assert.Single(detail.Commands, c => c.CommandId == commandId);
        Assert.Equal("done", row.Status);

        Assert.Equal(HttpStatusCode.BadRequest, (await tech.PostAsJsonAsync("/api/devices/acme-d1/commands", new DeviceCommandRequest("rotate-credentials"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tech.PostAsJsonAsync("/api/devices/acme-d1/config", new DeviceConfigChange(Trigger: "Never"))).StatusCode);
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        Assert.Equal(3, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE tenant_id = 'acme' AND target = 'acme-d1' AND action IN ('device-config-pushed', 'device-command-sent')"));
    }

    [Fact]
    public async Task Another_tenant_or_a_disallowed_branch_cannot_see_configure_or_command_a_device()
    {
        await using var c = new NpgsqlConnection(fx.ConnectionString);
        await c.OpenAsync();
        var before = await c.ExecuteScalarAsync<int>("SELECT count(*) FROM device_commands");
        var configsBefore = await c.ExecuteScalarAsync<long?>("SELECT desired_version FROM device_configs WHERE device_id = 'acme-d2'");

        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync("/api/devices/acme-d1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsJsonAsync("/api/devices/acme-d1/config", new DeviceConfigChange(RecordingEnabled: true))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsJsonAsync("/api/devices/acme-d1/commands", new DeviceCommandRequest("blink"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await globex.GetAsync("/api/devices/globex-d1")).StatusCode);

        // Supervisors watch the fleet but do not push; and a branch-limited user sees nothing of another branch.
        using var north = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync("/api/devices/acme-d2")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await north.PostAsJsonAsync("/api/devices/acme-d1/commands", new DeviceCommandRequest("blink"))).StatusCode);
        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/devices/acme-d1")).StatusCode);

        // Row security on device_commands and device_configs themselves, not only the endpoint's check.
        await using (var tx = await c.BeginTransactionAsync())
        {
            await c.ExecuteAsync("SET LOCAL ROLE iot_dashboard_app; SELECT set_config('app.tenant_id', 'globex', true), set_config('app.branches', '*', true)", transaction: tx);
            Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM device_commands WHERE device_id LIKE 'acme-%'", transaction: tx));
            Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM device_configs WHERE device_id LIKE 'acme-%'", transaction: tx));
        }

        Assert.Equal(before, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM device_commands"));
        Assert.Equal(configsBefore, await c.ExecuteScalarAsync<long?>("SELECT desired_version FROM device_configs WHERE device_id = 'acme-d2'"));
        Assert.DoesNotContain(fx.Received, m => m.Payload.Contains("blink", StringComparison.Ordinal));
    }
}
