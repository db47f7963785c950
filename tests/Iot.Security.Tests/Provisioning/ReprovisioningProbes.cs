using Dapper;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Provisioning.Security;
using Iot.Security.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.ProvisioningCloud;

namespace Iot.Security.Tests.Provisioning;

/// <summary>
/// Issue 15: the serial and the hardware id are public (printed on the case, derivable from the Pi), so knowing them —
/// even with a claim of the right tenant, which sits on every device — must not be enough to take a device's identity.
/// </summary>
public sealed class ReprovisioningProbes(ITestOutputHelper output)
{
    [Fact]
    public async Task Serial_and_hardware_id_without_the_recovery_key_do_not_reprovision_a_known_device()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        var (original, _) = await cloud.ProvisionAsync(Victim, "sn-rp-1", "rp-1", recoveryKey: DeviceRecoveryKeys.New());
        await cloud.AgeDecisionsAsync();

        // A claim of the same tenant, e.g. copied off another of its devices.
        await using var impostor = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-rp-1", await cloud.ClaimAsync(Victim));
        var bare = await impostor.AskAsync();
        run.Record("same-tenant claim + serial + hardware id re-provisions", bare.Status != ProvisionStatus.Approved, ClaimDecidesTenantProbes.Describe(bare));
        var guessed = await impostor.AskAsync(impostor.Request() with { RecoveryKey = DeviceRecoveryKeys.New() });
        run.Record("same-tenant claim + serial + hardware id + wrong recovery key re-provisions", guessed.Status != ProvisionStatus.Approved, ClaimDecidesTenantProbes.Describe(guessed));
        run.Record("impostor replaced the device's secret", SecretHasher.Verify(original.Password, await cloud.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE device_id = 'rp-1'")), "replaced");
        Assert.Equal(ProvisionStatus.Pending, bare.Status);
    }

    [Fact]
    public async Task A_retry_inside_the_lost_answer_window_needs_the_recovery_key_of_the_approved_request()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        var key = DeviceRecoveryKeys.New();
        var (original, _) = await cloud.ProvisionAsync(Victim, "sn-rp-2", "rp-2", recoveryKey: key);

        await using var impostor = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-rp-2", await cloud.ClaimAsync(Victim));
        var answer = await impostor.AskAsync();
        run.Record("serial + hardware id within the lost-answer window collects a fresh secret", answer.Status != ProvisionStatus.Approved, ClaimDecidesTenantProbes.Describe(answer));
        run.Record("impostor replaced the device's secret", SecretHasher.Verify(original.Password, await cloud.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE device_id = 'rp-2'")), "replaced");

        // The genuine device that lost its answer still gets one.
        var genuine = await impostor.AskAsync(impostor.Request() with { RecoveryKey = key });
        Assert.Equal(ProvisionStatus.Approved, genuine.Status);
    }

    [Fact]
    public async Task An_operator_approval_is_collected_only_by_the_device_that_asked_for_it()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        var key = DeviceRecoveryKeys.New();
        await using var genuine = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-rp-3", await cloud.ClaimAsync(Victim));
        Assert.Equal(ProvisionStatus.Pending, (await genuine.AskAsync(genuine.Request() with { RecoveryKey = key })).Status);
        await cloud.Admin.ApproveAsync("sn-rp-3", Victim, null, null, "acme-operator", default);

        await using (var impostor = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-rp-3", await cloud.ClaimAsync(Victim)))
        {
            var stolen = await impostor.AskAsync();
            run.Record("serial + hardware id collects an approval another request's device is waiting for", stolen.Status != ProvisionStatus.Approved, ClaimDecidesTenantProbes.Describe(stolen));
        }

        // The impostor's session took over the client id claim.sn-rp-3; the genuine device reconnects, as it would.
        await using var again = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-rp-3", await cloud.ClaimAsync(Victim));
        var collected = await again.AskAsync(again.Request() with { RecoveryKey = key });
        Assert.Equal(ProvisionStatus.Approved, collected.Status);
    }

    [Fact]
    public async Task An_online_device_keeps_its_secret_even_against_its_own_recovery_key()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        var key = DeviceRecoveryKeys.New();
        var (credentials, _) = await cloud.ProvisionAsync(Victim, "sn-rp-4", "rp-4", recoveryKey: key);
        await cloud.AgeDecisionsAsync();
        await using var online = await ProvisioningDevice.AsIdentityAsync(cloud.Port, credentials);
        await online.PublishAsync(
            TopicTree.Status(Victim, "rp-4"),
            ProtocolJson.Serialize(new DeviceStatus { State = DeviceState.Online, AtUtc = DateTimeOffset.UtcNow }),
            retain: true);
        await Task.Delay(500);

        // A copy of the device's storage (recovery key included) asking while the device itself is connected.
        await using var clone = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-rp-4", await cloud.ClaimAsync(Victim));
        var answer = await clone.AskAsync(clone.Request() with { RecoveryKey = key });
        run.Record("recovery key replaces the secret of a device that is online", answer.Status != ProvisionStatus.Approved, ClaimDecidesTenantProbes.Describe(answer));
        run.Record("online device's secret replaced", SecretHasher.Verify(credentials.Password, await cloud.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE device_id = 'rp-4'")), "replaced");
        Assert.Equal(ProvisionStatus.Pending, answer.Status);
    }

    [Fact]
    public async Task A_factory_reset_device_proving_its_recovery_key_is_reprovisioned_unattended_and_audited()
    {
        await using var cloud = await StartAsync();
        var key = DeviceRecoveryKeys.New();
        var (original, _) = await cloud.ProvisionAsync(Victim, "sn-rp-5", "rp-5", recoveryKey: key);
        await cloud.AgeDecisionsAsync();

        await using var reset = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-rp-5", await cloud.ClaimAsync(Victim));
        var answer = await reset.AskAsync(reset.Request() with { RecoveryKey = key });

        Assert.Equal(ProvisionStatus.Approved, answer.Status);
        Assert.Equal("acme.rp-5", answer.Credentials!.Username);
        Assert.NotEqual(original.Password, answer.Credentials.Password);
        var audit = await cloud.Admin.ReprovisionAuditAsync(Victim, 10, default);
        var entry = Assert.Single(audit, a => a.DeviceId == "rp-5" && a.Outcome == "approved");
        Assert.Equal("recovery-key", entry.Proof);
        Assert.Empty(await cloud.Admin.ReprovisionAuditAsync(Attacker, 10, default));
    }
}
