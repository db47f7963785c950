using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Provisioning.Security;
using Iot.Provisioning.Tests.Infrastructure;

namespace Iot.Provisioning.Tests.Service;

public sealed class ProvisioningFlowTests : IAsyncLifetime
{
    private CloudNode _node = null!;

    public async Task InitializeAsync() => _node = await CloudNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task An_unknown_device_waits_for_an_operator_then_collects_credentials_and_publishes_as_itself()
    {
        var claim = await _node.CreateClaimAsync();
        await using var device = await FakeDevice.ClaimAsync(_node.Port, "sn-1001", claim);

        var first = await device.AskAsync();
        Assert.Equal(ProvisionStatus.Pending, first.Status);
        Assert.Equal(5, first.RetryAfterSeconds);
        Assert.Single(await _node.Admin.ListPendingAsync(CloudNode.Tenant, default));

        await _node.Admin.ApproveAsync("sn-1001", null, CloudNode.Branch, "till-7", "tester", default);
        var approved = await device.AskAsync();

        Assert.Equal(ProvisionStatus.Approved, approved.Status);
        var credentials = approved.Credentials!;
        Assert.Equal("acme.till-7", credentials.Username);
        Assert.Equal(CloudNode.Branch, credentials.BranchId);
        Assert.NotNull(approved.Config);
        var stored = await _node.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE device_id = 'till-7'");
        Assert.True(SecretHasher.Verify(credentials.Password, stored));
        Assert.DoesNotContain(credentials.Password, stored, StringComparison.Ordinal);
        Assert.Empty(await _node.Admin.ListPendingAsync(CloudNode.Tenant, default));

        await using var identity = await FakeDevice.AsIdentityAsync(_node.Port, credentials);
        var ack = await identity.SendChunkAsync(credentials.TenantId, credentials.DeviceId);
        Assert.Equal(AckStatus.Stored, ack.Status);
        Assert.Equal(1, await _node.ScalarAsync<long>("SELECT count(*) FROM chunks WHERE device_id = 'till-7'"));
    }

    [Fact]
    public async Task An_operator_approves_with_the_iotctl_process()
    {
        var claim = await _node.CreateClaimAsync();
        await using var device = await FakeDevice.ClaimAsync(_node.Port, "sn-1002", claim);
        Assert.Equal(ProvisionStatus.Pending, (await device.AskAsync()).Status);

        var run = await Iotctl.RunAsync(_node, "devices", "approve", "sn-1002", "--branch", CloudNode.Branch, "--device-id", "till-8", "--by", "ops");

        Assert.True(run.ExitCode == 0, run.StdErr + run.StdOut);
        Assert.Contains("acme/till-8", run.StdOut, StringComparison.Ordinal);
        var approved = await device.AskAsync();
        Assert.Equal(ProvisionStatus.Approved, approved.Status);
        Assert.Equal("acme.till-8", approved.Credentials!.Username);
        Assert.Equal("ops", await _node.ScalarAsync<string>("SELECT decided_by FROM provisioning_requests WHERE device_id = 'till-8' ORDER BY received_at LIMIT 1"));

        var again = await Iotctl.RunAsync(_node, "devices", "approve", "sn-1002");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no pending request", again.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_preregistered_serial_is_approved_with_no_human_step_and_gets_its_branch_default_config()
    {
        await _node.Store.ExecuteAsync(
            "UPDATE branches SET default_config = '{\"version\": 3, \"issuedAtUtc\": \"2026-11-01T00:00:00+00:00\", \"chunkSeconds\": 45}'::jsonb WHERE branch_id = 'north'", null, default);
        var import = await _node.Admin.PreregisterAsync(new StringReader("serial,tenant,branch,device_id,display_name\nsn-2001,acme,north,desk-1,Front desk\n"), default);
        Assert.True(import.Succeeded, string.Join("; ", import.Errors));
        await using var device = await FakeDevice.ClaimAsync(_node.Port, "sn-2001", await _node.CreateClaimAsync());

        var answer = await device.AskAsync();

        Assert.Equal(ProvisionStatus.Approved, answer.Status);
        Assert.Equal("acme.desk-1", answer.Credentials!.Username);
        Assert.Equal(45, answer.Config!.ChunkSeconds);
        Assert.Equal(3, answer.Config.Version);
        Assert.NotNull(await _node.ScalarAsync<DateTime?>("SELECT consumed_at FROM preregistrations WHERE serial = 'sn-2001'"));
    }

    [Fact]
    public async Task A_replayed_request_gets_the_same_answer_and_an_approved_replay_rotates_the_secret()
    {
        var claim = await _node.CreateClaimAsync();
        await using var device = await FakeDevice.ClaimAsync(_node.Port, "sn-3001", claim);
        var pendingNonce = FakeDevice.NewNonce();
        Assert.Equal(ProvisionStatus.Pending, (await device.AskAsync(pendingNonce)).Status);
        Assert.Equal(ProvisionStatus.Pending, (await device.AskAsync(pendingNonce)).Status);
        Assert.Equal(1, await _node.ScalarAsync<long>("SELECT count(*) FROM provisioning_requests WHERE serial = 'sn-3001'"));

        await _node.Admin.ApproveAsync("sn-3001", null, null, null, "tester", default);
        var nonce = FakeDevice.NewNonce();
        var first = await device.AskAsync(nonce);
        var replay = await device.AskAsync(nonce);

        Assert.Equal(ProvisionStatus.Approved, replay.Status);
        Assert.Equal(first.Credentials!.Username, replay.Credentials!.Username);
        var hash = await _node.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE serial = 'sn-3001'");
        Assert.True(SecretHasher.Verify(replay.Credentials.Password, hash));
        Assert.False(SecretHasher.Verify(first.Credentials.Password, hash));
    }

    [Fact]
    public async Task A_rejected_device_is_told_to_back_off()
    {
        var claim = await _node.CreateClaimAsync();
        await using var device = await FakeDevice.ClaimAsync(_node.Port, "sn-4001", claim);
        await device.AskAsync();

        await _node.Admin.RejectAsync("sn-4001", "not our hardware", "tester", default);
        var answer = await device.AskAsync();

        Assert.Equal(ProvisionStatus.Rejected, answer.Status);
        Assert.Equal("not our hardware", answer.Reason);
        Assert.Equal(3600, answer.RetryAfterSeconds);
        Assert.Null(answer.Credentials);
    }

    [Theory]
    [InlineData("serial", "serial 'sn-other' does not match")]
    [InlineData("nonce", "nonce must be 16-64 characters")]
    [InlineData("hardware", "hardwareId must be 1-128 characters")]
    [InlineData("json", "unreadable request")]
    public async Task A_request_with_bad_fields_is_answered_invalid_with_the_reason(string fault, string reason)
    {
        var claim = await _node.CreateClaimAsync();
        await using var device = await FakeDevice.ClaimAsync(_node.Port, "sn-6001", claim);
        var good = device.Request();
        var (payload, nonce) = fault switch
        {
            "serial" => (Iot.Protocol.Serialization.ProtocolJson.Serialize(good with { Serial = "sn-other" }), good.Nonce),
            "nonce" => (Iot.Protocol.Serialization.ProtocolJson.Serialize(good with { Nonce = "short" }), "short"),
            "hardware" => (Iot.Protocol.Serialization.ProtocolJson.Serialize(good with { HardwareId = "" }), good.Nonce),
            _ => ("{\"serial\": 5"u8.ToArray(), ""),
        };

        var answer = await device.AskRawAsync(payload, nonce);

        Assert.Equal(ProvisionStatus.Invalid, answer.Status);
        Assert.Contains(reason, answer.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await _node.ScalarAsync<long>("SELECT count(*) FROM provisioning_requests"));
    }

    [Fact]
    public async Task An_invalid_answer_echoes_a_hostile_request_only_within_bounds_and_the_service_keeps_answering()
    {
        // A 150 KB nonce and serial, and a parse error whose JSON path is as long as the payload: echoed whole, the
        // answer would exceed the broker's packet limit, be refused, and close the provisioning service's own session.
        var claim = await _node.CreateClaimAsync();
        await using var device = await FakeDevice.ClaimAsync(_node.Port, "sn-6101", claim);
        var huge = new string('a', 150_000);
        var deepPath = System.Text.Encoding.UTF8.GetBytes("{\"" + huge + "\": {\"x\": [1, }");

        var longNonce = await device.AskRawAsync(Iot.Protocol.Serialization.ProtocolJson.Serialize(device.Request() with { Nonce = huge }), "");
        var request = device.Request() with { Serial = huge };
        var longSerial = await device.AskRawAsync(Iot.Protocol.Serialization.ProtocolJson.Serialize(request), request.Nonce);
        var longPath = await device.AskRawAsync(deepPath, "");

        foreach (var answer in new[] { longNonce, longSerial, longPath })
        {
            Assert.Equal(ProvisionStatus.Invalid, answer.Status);
            Assert.True(answer.Reason!.Length <= Iot.Provisioning.Service.ProvisioningAnswers.MaxReasonLength + 1, $"reason of {answer.Reason.Length} chars");
        }

        Assert.Contains("nonce must be", longNonce.Reason, StringComparison.Ordinal);
        Assert.Equal(ProvisionStatus.Pending, (await device.AskAsync()).Status);
    }
}
