using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Tests.Provisioning;
using Iot.Protocol.Messages;
using Iot.Protocol.Topics;
using Iot.TestSupport;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Tests.DesiredConfig;

public class DesiredConfigTests
{
    private static readonly string Reported = TopicTree.Reported("acme", "pos-1");
    private static readonly string Desired = TopicTree.Config("acme", "pos-1");

    [Fact]
    public async Task A_pushed_config_is_applied_live_and_reported()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);

        await cloud.PublishAsync(Desired, VisitsConfig(1), retain: true);

        var report = await cloud.WaitForAsync<Iot.Protocol.Messages.ReportedConfig>(Reported, r => r.AppliedVersion == 1, "version 1 reported");
        Assert.Null(report.Error);
        Assert.Equal("Visits", report.Effective.Recording!.Trigger);
        Assert.Equal(7, report.Effective.SpoolMaxAgeDays);
        Assert.True(cloud.On(Reported).Last().Retain || cloud.On(Reported).Count > 0);
        Assert.Equal(RecordingTrigger.Visits, agent.Get<RecordingPolicyStore>().Current.Options.Trigger);
        Assert.Equal("Europe/Istanbul", agent.Get<RecordingPolicyStore>().Current.Options.TimeZone);
    }

    [Fact]
    public async Task A_bad_config_is_refused_with_its_error_and_the_last_good_one_stays()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);
        await cloud.PublishAsync(Desired, VisitsConfig(1), retain: true);
        await cloud.WaitForAsync<ReportedConfig>(Reported, r => r.AppliedVersion == 1, "version 1 reported");

        var bad = VisitsConfig(2) with { Recording = new RecordingConfig { Trigger = "Always", TimeZone = "Mars/Olympus" }, ChunkSeconds = 0 };
        await cloud.PublishAsync(Desired, bad, retain: true);

        var report = await cloud.WaitForAsync<ReportedConfig>(Reported, r => r.LastSeenVersion == 2, "version 2 refusal reported");
        Assert.Equal(1, report.AppliedVersion);
        Assert.Contains("Recording:TimeZone", report.Error, StringComparison.Ordinal);
        Assert.Contains("Agent:ChunkSeconds", report.Error, StringComparison.Ordinal);
        Assert.Equal("Visits", report.Effective.Recording!.Trigger);
        Assert.Equal(RecordingTrigger.Visits, agent.Get<RecordingPolicyStore>().Current.Options.Trigger);
    }

    [Fact]
    public async Task An_older_or_repeated_version_is_ignored()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);
        await cloud.PublishAsync(Desired, VisitsConfig(5), retain: true);
        await cloud.WaitForAsync<ReportedConfig>(Reported, r => r.AppliedVersion == 5, "version 5 reported");
        var reports = cloud.On(Reported).Count;

        await cloud.PublishAsync(Desired, VisitsConfig(4) with { Recording = new RecordingConfig { Trigger = "Always" } });
        await cloud.PublishAsync(Desired, VisitsConfig(5) with { Recording = new RecordingConfig { Trigger = "Always" } });
        await Task.Delay(1500);

        Assert.Equal(reports, cloud.On(Reported).Count);
        Assert.Equal(RecordingTrigger.Visits, agent.Get<RecordingPolicyStore>().Current.Options.Trigger);
    }

    [Fact]
    public async Task The_applied_config_survives_a_restart_and_start_up_settings_take_effect_then()
    {
        await using var cloud = await FakeCloud.StartAsync();
        using var dir = new TempDirectory();
        await using var agent = await AgentRig.CreateAsync(cloud, dir);
        await agent.StartProvisionedAsync(cloud);
        await cloud.PublishAsync(Desired, VisitsConfig(3), retain: true);
        await cloud.WaitForAsync<ReportedConfig>(Reported, r => r.AppliedVersion == 3, "version 3 reported");
        Assert.Equal(30, agent.Get<IOptions<SpoolOptions>>().Value.MaxAgeDays);
        await agent.StopAsync();
        var before = cloud.On(Reported).Count;

        await agent.StartAsync();

        await Eventually.WaitAsync(() => Task.FromResult(cloud.On(Reported).Count > before), TimeSpan.FromSeconds(20), "reported again after restart");
        var report = cloud.Decoded<ReportedConfig>(Reported).Last();
        Assert.Equal(3, report.AppliedVersion);
        Assert.Null(report.Error);
        Assert.Equal(RecordingTrigger.Visits, agent.Get<RecordingPolicyStore>().Current.Options.Trigger);
        Assert.Equal(7, agent.Get<IOptions<SpoolOptions>>().Value.MaxAgeDays);
    }

    private static DeviceConfigDocument VisitsConfig(long version) => new()
    {
        Version = version,
        IssuedAtUtc = DateTimeOffset.UtcNow,
        Recording = new RecordingConfig { Trigger = "Visits", TimeZone = "Europe/Istanbul", Schedule = new Dictionary<string, string> { ["Mon-Fri"] = "09:00-18:00" } },
        SpoolMaxAgeDays = 7,
    };
}
