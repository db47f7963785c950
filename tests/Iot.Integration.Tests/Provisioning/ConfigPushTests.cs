using Dapper;
using Iot.Integration.Tests.Infrastructure;
using Iot.Protocol.Messages;
using Iot.TestSupport;
using Npgsql;

namespace Iot.Integration.Tests.Provisioning;

[Collection(SystemCollection.Name)]
public class ConfigPushTests(PostgresServer postgres)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_pushed_config_is_applied_and_reported_while_a_bad_one_is_refused_with_its_reason()
    {
        await using var rig = await ProvisioningRig.StartAsync(postgres);
        await rig.PreregisterAsync("sn-config-1", "pos-1");
        var agent = await rig.StartFreshAgentAsync("sn-config-1", wavSeconds: 3);
        await Eventually.WaitAsync(() => Task.FromResult(agent.Uplink.IsConnected), Bound, "the provisioned device connects");

        var good = await rig.Admin.SetConfigAsync("pos-1", new DeviceConfigDocument { Version = 0, IssuedAtUtc = DateTimeOffset.UtcNow, ChunkSeconds = 2, LogLevel = "Warning" }, CancellationToken.None);
        await Eventually.WaitAsync(
            async () => (await rig.Admin.GetConfigAsync("pos-1", CancellationToken.None)).ReportedVersion == good.Version,
            Bound, $"version {good.Version} reported as applied", async () => Describe(await rig.Admin.GetConfigAsync("pos-1", CancellationToken.None)));
        var applied = await rig.Admin.GetConfigAsync("pos-1", CancellationToken.None);
        Assert.Null(applied.ReportedError);
        var effective = await ReportedJsonAsync(rig);
        Assert.Contains("\"chunkSeconds\": 2", effective, StringComparison.Ordinal);

        var bad = await rig.Admin.SetConfigAsync("pos-1", new DeviceConfigDocument { Version = 0, IssuedAtUtc = DateTimeOffset.UtcNow, ChunkSeconds = 0 }, CancellationToken.None);
        await Eventually.WaitAsync(
            async () => (await rig.Admin.GetConfigAsync("pos-1", CancellationToken.None)).ReportedError is not null,
            Bound, $"version {bad.Version} reported as refused", async () => Describe(await rig.Admin.GetConfigAsync("pos-1", CancellationToken.None)));
        var refused = await rig.Admin.GetConfigAsync("pos-1", CancellationToken.None);
        Assert.StartsWith("Agent:ChunkSeconds 0", refused.ReportedError, StringComparison.Ordinal);
        Assert.Equal((good.Version, bad.Version), (refused.ReportedVersion!.Value, refused.Desired!.Version));
        Assert.Contains("\"chunkSeconds\": 2", await ReportedJsonAsync(rig), StringComparison.Ordinal);
    }

    private static string Describe(Iot.Provisioning.Admin.DeviceConfigState s) => $"desired {s.Desired?.Version}, reported {s.ReportedVersion}, error {s.ReportedError}";

    private static async Task<string> ReportedJsonAsync(ProvisioningRig rig)
    {
        await using var c = new NpgsqlConnection(rig.ConnectionString);
        return await c.ExecuteScalarAsync<string>("SELECT reported::text FROM device_configs WHERE device_id = 'pos-1'") ?? "";
    }
}
