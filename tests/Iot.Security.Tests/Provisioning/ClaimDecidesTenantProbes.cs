using Iot.Protocol.Provisioning;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Security;
using Iot.Security.Tests.Infrastructure;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.ProvisioningCloud;

namespace Iot.Security.Tests.Provisioning;

/// <summary>
/// Issue 15, critical and high: a claim credential of tenant B (a file on any of B's devices) must never yield
/// credentials for, queue against, or learn anything about a device, preregistration or pending request of tenant A.
/// </summary>
public sealed class ClaimDecidesTenantProbes(ITestOutputHelper output)
{
    [Fact]
    public async Task A_foreign_claim_naming_a_known_device_serial_and_hardware_id_gets_nothing_and_learns_nothing()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        var (victim, _) = await cloud.ProvisionAsync(Victim, "sn-victim-1", "till-1");
        var (revokedVictim, _) = await cloud.ProvisionAsync(Victim, "sn-victim-2", "till-2");
        await cloud.Admin.RevokeAsync(revokedVictim.DeviceId, default);
        await cloud.AgeDecisionsAsync();
        var claim = await cloud.ClaimAsync(Attacker);

        // Baseline: what the attacker's claim gets for a serial nobody has ever seen.
        await using var fresh = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-never-seen", claim);
        var baseline = await fresh.AskAsync();

        await using var takeover = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-victim-1", claim);
        var answer = await takeover.AskAsync();
        run.Record("foreign claim + known serial + its hardware id -> credentials", answer.Credentials is null && answer.Status != ProvisionStatus.Approved, Describe(answer));
        run.Record(
            "foreign claim replaces the victim's secret",
            SecretHasher.Verify(victim.Password, await cloud.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE device_id = 'till-1'")),
            "victim secret replaced");
        run.Record(
            "foreign claim queues a request against the victim's tenant or device",
            await cloud.ScalarAsync<long>("SELECT count(*) FROM provisioning_requests WHERE claim_id = @ClaimId AND (tenant_id = @Victim OR device_id IS NOT NULL)", new { claim.ClaimId, Victim }) == 0,
            "a request row in the victim's tenant");
        run.Record("answer for a foreign known serial differs from a never-seen serial", SameShape(baseline, answer), $"{Describe(baseline)} vs {Describe(answer)}");

        await using var revoked = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-victim-2", claim);
        var revokedAnswer = await revoked.AskAsync();
        run.Record("answer for a foreign revoked device differs from a never-seen serial", SameShape(baseline, revokedAnswer), $"{Describe(baseline)} vs {Describe(revokedAnswer)}");
    }

    [Fact]
    public async Task A_preregistration_applies_only_to_a_claim_of_its_own_tenant()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        await cloud.PreregisterAsync(Victim, "sn-pre-1", "pre-1");
        var claim = await cloud.ClaimAsync(Attacker);

        await using var thief = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-pre-1", claim);
        var answer = await thief.AskAsync();

        run.Record("foreign claim consumes a preregistration", answer.Credentials is null && answer.Status != ProvisionStatus.Approved, Describe(answer));
        run.Record(
            "foreign claim marks the preregistration consumed",
            await cloud.ScalarAsync<long>("SELECT count(*) FROM preregistrations WHERE serial = 'sn-pre-1' AND consumed_at IS NOT NULL") == 0,
            "consumed");
        run.Record("foreign claim creates the preregistered device", await cloud.ScalarAsync<long>("SELECT count(*) FROM devices WHERE device_id = 'pre-1'") == 0, "device created");

        // The genuine device, with its own tenant's claim, still gets it.
        await using var genuine = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-pre-1", await cloud.ClaimAsync(Victim));
        var real = await genuine.AskAsync();
        Assert.Equal(ProvisionStatus.Approved, real.Status);
        Assert.Equal("acme.pre-1", real.Credentials!.Username);
    }

    [Fact]
    public async Task A_serial_squatted_by_another_tenant_does_not_capture_the_device_booting_with_its_own_claim()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();

        // The attacker's operator preregisters a serial printed on the victim's hardware.
        var squat = await cloud.Admin.PreregisterAsync(new StringReader($"sn-sq-1,{Attacker},{AttackerBranch},sq-1,"), default);
        Assert.True(squat.Succeeded, string.Join("; ", squat.Errors));

        await using var genuine = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-sq-1", await cloud.ClaimAsync(Victim));
        var answer = await genuine.AskAsync();
        run.Record("victim's device booting with its own claim lands in the squatter's tenant", answer.Credentials?.TenantId != Attacker, Describe(answer));
        run.Record(
            "squatter's tenant owns a device with the victim's serial",
            await cloud.ScalarAsync<long>("SELECT count(*) FROM devices WHERE serial = 'sn-sq-1' AND tenant_id = @Attacker", new { Attacker }) == 0,
            "device in the squatter's tenant");

        // The victim's own preregistration of its own serial is not blocked (nor told about) the squat.
        var own = await cloud.Admin.PreregisterAsync(new StringReader($"sn-sq-2,{Attacker},{AttackerBranch},,"), default);
        Assert.True(own.Succeeded);
        var victimImport = await cloud.Admin.PreregisterAsync(new StringReader($"sn-sq-2,{Victim},{VictimBranch},,"), default);
        run.Record("preregistering one's own serial reveals (or is blocked by) another tenant's squat", victimImport.Succeeded, string.Join("; ", victimImport.Errors));
    }

    [Fact]
    public async Task A_pending_request_belongs_to_one_tenant_and_another_tenant_can_neither_touch_approve_nor_reject_it()
    {
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync();
        await using var genuine = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-pend-1", await cloud.ClaimAsync(Victim));
        Assert.Equal(ProvisionStatus.Pending, (await genuine.AskAsync()).Status);

        var attackerClaim = await cloud.ClaimAsync(Attacker);
        await using var intruder = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-pend-1", attackerClaim.Username, attackerClaim.Secret, "hw-intruder");
        await intruder.AskAsync();
        run.Record(
            "foreign claim rewrites the victim's pending request",
            await cloud.ScalarAsync<string>("SELECT hardware_id FROM provisioning_requests WHERE serial = 'sn-pend-1' AND tenant_id = @Victim AND status = 'pending'", new { Victim }) == "hw-sn-pend-1",
            "hardware id replaced");

        // The operator probes use a serial pending in the victim's tenant only (the intruder above filed its own request
        // for sn-pend-1 in its own tenant, which its operator may rightly decide).
        await using (var other = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-pend-2", await cloud.ClaimAsync(Victim)))
        {
            Assert.Equal(ProvisionStatus.Pending, (await other.AskAsync()).Status);
        }

        var approve = await Attempt(() => cloud.Admin.ApproveAsync("sn-pend-2", Attacker, null, null, "evil-operator", default));
        var missing = await Attempt(() => cloud.Admin.ApproveAsync("sn-no-such", Attacker, null, null, "evil-operator", default));
        run.Record(
            "another tenant's operator approves the victim's pending request",
            await cloud.ScalarAsync<long>("SELECT count(*) FROM devices WHERE serial = 'sn-pend-2'") == 0
            && await cloud.ScalarAsync<long>("SELECT count(*) FROM provisioning_requests WHERE serial = 'sn-pend-2' AND tenant_id = @Victim AND status = 'pending'", new { Victim }) == 1,
            approve ?? "approved");
        run.Record(
            "refusal tells another tenant's operator that the serial is pending somewhere",
            approve is not null && approve.Replace("sn-pend-2", "X", StringComparison.Ordinal) == missing?.Replace("sn-no-such", "X", StringComparison.Ordinal),
            $"'{approve}' vs '{missing}'");

        var reject = await Attempt(() => cloud.Admin.RejectAsync("sn-pend-2", Attacker, "mine now", "evil-operator", default));
        run.Record(
            "another tenant's operator rejects the victim's pending request",
            await cloud.ScalarAsync<long>("SELECT count(*) FROM provisioning_requests WHERE serial = 'sn-pend-2' AND tenant_id = @Victim AND status = 'pending'", new { Victim }) == 1,
            reject ?? "rejected");

        // The victim's operator still can.
        await cloud.Admin.ApproveAsync("sn-pend-1", Victim, null, null, "acme-operator", default);
        // The intruder's session took over the client id claim.sn-pend-1; the genuine device reconnects, as it would.
        await using var back = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-pend-1", await cloud.ClaimAsync(Victim));
        var approved = await back.AskAsync();
        Assert.Equal(ProvisionStatus.Approved, approved.Status);
        Assert.Equal(Victim, approved.Credentials!.TenantId);
    }

    [Theory]
    [InlineData("revoked")]
    [InlineData("expired")]
    [InlineData("used-up")]
    public async Task Claim_revocation_expiry_and_uses_are_enforced_on_every_path(string state)
    {
        // Without broker authentication (an external broker that cannot check claims), provisioning is the only guard.
        using var run = new ProvisioningProbeRun(output);
        await using var cloud = await StartAsync(authentication: false);
        var knownKey = DeviceRecoveryKeys.New();
        var (known, _) = await cloud.ProvisionAsync(Victim, "sn-cs-known", "cs-known", recoveryKey: knownKey);
        await cloud.PreregisterAsync(Victim, "sn-cs-pre", "cs-pre");
        await using (var waiting = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-cs-pickup", await cloud.ClaimAsync(Victim)))
        {
            Assert.Equal(ProvisionStatus.Pending, (await waiting.AskAsync()).Status);
        }

        await cloud.Admin.ApproveAsync("sn-cs-pickup", Victim, null, null, "acme-operator", default);
        await cloud.AgeDecisionsAsync();

        var claim = await cloud.ClaimAsync(Victim, maxUses: state == "used-up" ? 1 : null, expires: state == "expired" ? DateTimeOffset.UtcNow.AddHours(1) : null);
        switch (state)
        {
            case "revoked":
                await cloud.Store.ExecuteAsync("UPDATE claim_tokens SET revoked_at = now() WHERE claim_id = @ClaimId", new { claim.ClaimId }, default);
                break;
            case "expired":
                await cloud.Store.ExecuteAsync("UPDATE claim_tokens SET expires_at = now() - interval '1 minute' WHERE claim_id = @ClaimId", new { claim.ClaimId }, default);
                break;
            default:
                await cloud.Store.ExecuteAsync("UPDATE claim_tokens SET uses = 1 WHERE claim_id = @ClaimId", new { claim.ClaimId }, default);
                break;
        }

        await using var pre = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-cs-pre", claim);
        var preAnswer = await pre.AskAsync();
        run.Record($"{state} claim collects a preregistration", preAnswer.Status != ProvisionStatus.Approved, Describe(preAnswer));

        await using var pickup = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-cs-pickup", claim);
        var pickupAnswer = await pickup.AskAsync();
        run.Record($"{state} claim collects an operator approval", pickupAnswer.Status != ProvisionStatus.Approved, Describe(pickupAnswer));

        await using var reprovision = await ProvisioningDevice.ClaimAsync(cloud.Port, "sn-cs-known", claim);
        // Even with the device's own recovery key: the claim itself is no longer good.
        var reAnswer = await reprovision.AskAsync(reprovision.Request() with { RecoveryKey = knownKey });
        run.Record($"{state} claim re-provisions a known device", reAnswer.Status != ProvisionStatus.Approved, Describe(reAnswer));
        run.Record(
            $"{state} claim replaces a known device's secret",
            SecretHasher.Verify(known.Password, await cloud.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE device_id = 'cs-known'")),
            "secret replaced");
    }

    internal static string Describe(ProvisionResponse r) => $"{r.Status} '{r.Reason}' {(r.Credentials is null ? "" : "credentials " + r.Credentials.Username)}";

    /// <summary>Everything but the nonce and the time: what a requester could tell two answers apart by.</summary>
    internal static bool SameShape(ProvisionResponse a, ProvisionResponse b) =>
        a.Status == b.Status && a.Reason == b.Reason && a.RetryAfterSeconds == b.RetryAfterSeconds && (a.Credentials is null) == (b.Credentials is null);

    private static async Task<string?> Attempt(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (ProvisioningException ex)
        {
            return ex.Message;
        }
    }
}
