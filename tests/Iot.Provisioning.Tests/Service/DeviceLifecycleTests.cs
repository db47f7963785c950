using Iot.Cloud.Bridge.Persistence;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Provisioning.Security;
using Iot.Provisioning.Storage;
using Iot.Provisioning.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Provisioning.Tests.Service;

public sealed class DeviceLifecycleTests : IAsyncLifetime
{
    private CloudNode _node = null!;

    public async Task InitializeAsync() => _node = await CloudNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData(ReprovisionPolicy.AutoKnownHardware)]
    [InlineData(ReprovisionPolicy.Queue)]
    public async Task A_factory_reset_device_proving_its_recovery_key_is_handled_per_tenant_policy(ReprovisionPolicy policy)
    {
        await _node.Admin.EnsureTenantAsync(CloudNode.Tenant, policy, default);
        var recoveryKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var original = await _node.ProvisionAsync("sn-7001", "till-1", recoveryKey);

        // Outside the window in which a retry counts as a lost approval answer.
        await _node.Store.ExecuteAsync("UPDATE provisioning_requests SET decided_at = decided_at - interval '1 hour'", null, default);

        // Same hardware, same serial, credentials wiped; the recovery key survived (it lives outside the reset area).
        // Serial and hardware id alone prove nothing (tests/Iot.Security.Tests, ReprovisioningProbes).
        await using var reset = await FakeDevice.ClaimAsync(_node.Port, "sn-7001", await _node.CreateClaimAsync());
        reset.RecoveryKey = recoveryKey;
        var answer = await reset.AskAsync();

        if (policy == ReprovisionPolicy.AutoKnownHardware)
        {
            Assert.Equal(ProvisionStatus.Approved, answer.Status);
            Assert.Equal("acme.till-1", answer.Credentials!.Username);
            Assert.NotEqual(original.Password, answer.Credentials.Password);
        }
        else
        {
            Assert.Equal(ProvisionStatus.Pending, answer.Status);
            var pending = Assert.Single(await _node.Admin.ListPendingAsync(CloudNode.Tenant, default));
            Assert.Equal("till-1", pending.DeviceId);
            await _node.Admin.ApproveAsync("sn-7001", null, null, null, "tester", default);
            var approved = await reset.AskAsync();
            Assert.Equal(ProvisionStatus.Approved, approved.Status);
            Assert.Equal("acme.till-1", approved.Credentials!.Username);
        }

        Assert.Equal(1, await _node.ScalarAsync<long>("SELECT count(*) FROM devices WHERE hardware_id = 'hw-sn-7001'"));
    }

    [Fact]
    public async Task A_device_that_lost_its_approval_answer_is_approved_again_even_when_the_tenant_queues_known_hardware()
    {
        await _node.Admin.EnsureTenantAsync(CloudNode.Tenant, ReprovisionPolicy.Queue, default);
        var first = await ProvisionAsync("sn-7101", "till-9");

        await using var retry = await FakeDevice.ClaimAsync(_node.Port, "sn-7101", await _node.CreateClaimAsync());
        var answer = await retry.AskAsync();

        Assert.Equal(ProvisionStatus.Approved, answer.Status);
        Assert.Equal(first.Username, answer.Credentials!.Username);
        Assert.True(SecretHasher.Verify(answer.Credentials.Password, await _node.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE device_id = 'till-9'")));
    }

    [Fact]
    public async Task A_rotated_secret_replaces_the_old_one_only_after_the_device_confirms()
    {
        var credentials = await ProvisionAsync("sn-9001", "till-3");
        await using var device = await FakeDevice.AsIdentityAsync(_node.Port, credentials);

        var commandId = await _node.Admin.RotateAsync("till-3", TimeSpan.FromSeconds(30), default);
        var (_, payload, _) = await device.WaitForAsync(m => m.Topic == TopicTree.Cmd(CloudNode.Tenant, "till-3"));
        var command = ProtocolJson.TryDeserialize<DeviceCommand>(payload, out _)!;
        Assert.Equal("rotate-credentials", command.Name);
        Assert.Equal(commandId, command.CommandId);
        var newSecret = command.Args["password"];
        var before = await _node.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE device_id = 'till-3'");
        Assert.True(SecretHasher.Verify(credentials.Password, before));
        Assert.True(SecretHasher.Verify(newSecret, await _node.ScalarAsync<string>("SELECT pending_secret_hash FROM devices WHERE device_id = 'till-3'")));
        Assert.Equal("***", await _node.ScalarAsync<string>("SELECT args->>'password' FROM device_commands WHERE command_id = @commandId", new { commandId }));

        await device.PublishAsync(
            TopicTree.CmdResult(CloudNode.Tenant, "till-3"),
            ProtocolJson.Serialize(new CommandResult { CommandId = commandId, Status = CommandStatus.Done, AtUtc = DateTimeOffset.UtcNow }));
        var row = await _node.Admin.WaitForCommandAsync(commandId, default);

        Assert.Equal("done", row.Status);
        var after = await _node.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE device_id = 'till-3'");
        Assert.True(SecretHasher.Verify(newSecret, after));
        Assert.False(SecretHasher.Verify(credentials.Password, after));
        Assert.Null(await _node.ScalarAsync<string>("SELECT pending_secret_hash FROM devices WHERE device_id = 'till-3'"));
    }

    [Fact]
    public async Task A_rotation_the_device_reports_failed_withdraws_the_new_secret_and_keeps_the_old_one()
    {
        var credentials = await ProvisionAsync("sn-9002", "till-5");
        await using var device = await FakeDevice.AsIdentityAsync(_node.Port, credentials);
        var commandId = await _node.Admin.RotateAsync("till-5", TimeSpan.FromSeconds(30), default);
        await device.WaitForAsync(m => m.Topic == TopicTree.Cmd(CloudNode.Tenant, "till-5"));

        await device.PublishAsync(
            TopicTree.CmdResult(CloudNode.Tenant, "till-5"),
            ProtocolJson.Serialize(new CommandResult { CommandId = commandId, Status = CommandStatus.Failed, Detail = "broker refused the new secret", AtUtc = DateTimeOffset.UtcNow }));
        var row = await _node.Admin.WaitForCommandAsync(commandId, default);

        Assert.Equal("failed", row.Status);
        await Eventually.WaitAsync(
            async () => await _node.ScalarAsync<string>("SELECT pending_secret_hash FROM devices WHERE device_id = 'till-5'") is null,
            TimeSpan.FromSeconds(10), "the pending secret withdrawn");
        Assert.True(SecretHasher.Verify(credentials.Password, await _node.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE device_id = 'till-5'")));
    }

    [Fact]
    public async Task A_rotation_nobody_answers_times_out_and_withdraws_the_new_secret()
    {
        await ProvisionAsync("sn-9003", "till-6");
        var commandId = await _node.Admin.RotateAsync("till-6", TimeSpan.FromSeconds(1), default);
        Assert.NotNull(await _node.ScalarAsync<string>("SELECT pending_secret_hash FROM devices WHERE device_id = 'till-6'"));

        var row = await _node.Admin.WaitForCommandAsync(commandId, default);

        Assert.Equal("timeout", row.Status);
        await Eventually.WaitAsync(
            async () => await _node.ScalarAsync<string>("SELECT pending_secret_hash FROM devices WHERE device_id = 'till-6'") is null,
            TimeSpan.FromSeconds(10), "the pending secret withdrawn after the timeout");
    }

    [Fact]
    public async Task Config_set_publishes_a_retained_document_with_a_rising_version()
    {
        var credentials = await ProvisionAsync("sn-1101", "till-4");
        var run = await Iotctl.RunAsync(_node, "config", "set", "till-4", "chunkSeconds=30", "recording.trigger=Visits");
        Assert.True(run.ExitCode == 0, run.StdErr + run.StdOut);
        var second = await _node.Admin.SetConfigAsync("till-4", (await _node.Admin.GetConfigAsync("till-4", default)).Desired! with { BitrateBps = 16000 }, default);
        Assert.Equal(2, second.Version);

        // A device connecting afterwards gets the retained latest version at once.
        await using var device = await FakeDevice.AsIdentityAsync(_node.Port, credentials);
        var (_, payload, retained) = await device.WaitForAsync(m => m.Topic == TopicTree.Config(CloudNode.Tenant, "till-4"));
        var doc = ProtocolJson.TryDeserialize<DeviceConfigDocument>(payload, out _)!;
        Assert.True(retained);
        Assert.Equal(2, doc.Version);
        Assert.Equal(30, doc.ChunkSeconds);
        Assert.Equal(16000, doc.BitrateBps);
        Assert.Equal("Visits", doc.Recording!.Trigger);

        await device.PublishAsync(TopicTree.Reported(CloudNode.Tenant, "till-4"), ProtocolJson.Serialize(
            new ReportedConfig { AppliedVersion = 2, LastSeenVersion = 2, Effective = doc, AtUtc = DateTimeOffset.UtcNow }), retain: true);
        await Iot.TestSupport.Eventually.WaitAsync(
            async () => await _node.ScalarAsync<long?>("SELECT reported_version FROM device_configs WHERE device_id = 'till-4'") == 2,
            TimeSpan.FromSeconds(10),
            "the reported version to be stored");
        var get = await Iotctl.RunAsync(_node, "config", "get", "till-4");
        Assert.Equal(0, get.ExitCode);
        Assert.Contains("\"version\":2", get.StdOut, StringComparison.Ordinal);
        Assert.Contains("reported version: 2", get.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cmd_send_wait_returns_the_device_result_and_an_unanswered_command_is_recorded_as_timeout()
    {
        var credentials = await ProvisionAsync("sn-1201", "till-5");
        await using var device = await FakeDevice.AsIdentityAsync(_node.Port, credentials);
        using var stop = new CancellationTokenSource();
        var answering = AnswerCommandsAsync(device, "till-5", stop.Token);

        var run = await Iotctl.RunAsync(_node, "cmd", "send", "till-5", "visit_call", "--arg", "transactionId=v-1", "--arg", "operator=ann", "--wait", "--timeout", "20");
        await stop.CancelAsync();
        await answering;

        Assert.True(run.ExitCode == 0, run.StdErr + run.StdOut);
        Assert.Contains(": done ran visit_call", run.StdOut, StringComparison.Ordinal);
        Assert.Equal("v-1", await _node.ScalarAsync<string>("SELECT args->>'transactionId' FROM device_commands WHERE name = 'visit_call'"));

        var unanswered = await Iotctl.RunAsync(_node, "cmd", "send", "till-5", "visit_end", "--wait", "--timeout", "1");
        Assert.Equal(1, unanswered.ExitCode);
        Assert.Contains(": timeout", unanswered.StdOut, StringComparison.Ordinal);
        Assert.Equal("timeout", await _node.ScalarAsync<string>("SELECT status FROM device_commands WHERE name = 'visit_end'"));
    }

    [Fact]
    public async Task A_csv_with_a_bad_line_imports_nothing_and_names_the_line()
    {
        using var dir = new Iot.TestSupport.TempDirectory();
        var csv = Path.Combine(dir.Path, "serials.csv");
        await File.WriteAllTextAsync(csv, "serial,tenant,branch,device_id,display_name\nsn-1301,acme,north,d-1,Desk 1\nsn-1302,nosuch,,,\nSN BAD,acme,,,\n");

        var run = await Iotctl.RunAsync(_node, "provision", "preregister", "--csv", csv);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 3: tenant 'nosuch' does not exist", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("line 4: serial 'SN BAD'", run.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, await _node.ScalarAsync<long>("SELECT count(*) FROM preregistrations"));

        await File.WriteAllTextAsync(csv, "sn-1301,acme,north,d-1,Desk 1\nsn-1302,acme\n");
        var ok = await Iotctl.RunAsync(_node, "provision", "preregister", "--csv", csv);
        Assert.True(ok.ExitCode == 0, ok.StdErr);
        Assert.Equal(2, await _node.ScalarAsync<long>("SELECT count(*) FROM preregistrations"));
        Assert.Equal(2, (await Iotctl.RunAsync(_node, "provision", "preregister")).ExitCode);
    }

    [Fact]
    public async Task Fleet_status_lists_retained_device_status_and_the_summary_counts_online_devices()
    {
        var credentials = await ProvisionAsync("sn-1401", "till-6");
        await using var device = await FakeDevice.AsIdentityAsync(_node.Port, credentials);
        await device.PublishAsync(TopicTree.Status(CloudNode.Tenant, "till-6"),
            ProtocolJson.Serialize(new DeviceStatus { State = DeviceState.Online, AtUtc = DateTimeOffset.UtcNow, AgentVersion = "1.2.0" }), retain: true);

        var run = await Iotctl.RunAsync(_node, "fleet", "status");
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("till-6", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("1 device(s), 1 online", run.StdOut, StringComparison.Ordinal);

        await using var observer = await FakeDevice.AsProvisioningServiceAsync(_node.Port);
        await observer.SubscribeAsync(TopicTree.FleetSummary(CloudNode.Tenant));
        await Iot.TestSupport.Eventually.WaitAsync(async () =>
        {
            await _node.Services.GetRequiredService<Iot.Provisioning.Fleet.FleetSummaryPublisher>().PublishOnceAsync(default);
            await Task.Delay(200);
            return observer.Received.Any(m => m.Topic == TopicTree.FleetSummary(CloudNode.Tenant)
                                            && ProtocolJson.TryDeserialize<FleetSummary>(m.Payload, out _) is { Online: 1, Devices: 1 });
        }, TimeSpan.FromSeconds(10), "a fleet summary with one online device");
    }

    private Task<DeviceCredentials> ProvisionAsync(string serial, string deviceId) => _node.ProvisionAsync(serial, deviceId);

    private static async Task AnswerCommandsAsync(FakeDevice device, string deviceId, CancellationToken ct)
    {
        var answered = new HashSet<Guid>();
        while (!ct.IsCancellationRequested)
        {
            foreach (var (topic, payload, _) in device.Received.Where(m => m.Topic == TopicTree.Cmd(CloudNode.Tenant, deviceId)).ToList())
            {
                var command = ProtocolJson.TryDeserialize<DeviceCommand>(payload, out _)!;
                if (answered.Add(command.CommandId))
                {
                    await device.PublishAsync(TopicTree.CmdResult(CloudNode.Tenant, deviceId), ProtocolJson.Serialize(
                        new CommandResult { CommandId = command.CommandId, Status = CommandStatus.Done, Detail = "ran " + command.Name, AtUtc = DateTimeOffset.UtcNow }));
                }
            }

            try
            {
                await Task.Delay(50, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
