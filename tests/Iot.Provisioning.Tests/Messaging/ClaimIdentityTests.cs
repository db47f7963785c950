using Iot.Protocol.Provisioning;
using Iot.Provisioning.Security;
using Iot.Provisioning.Tests.Infrastructure;

namespace Iot.Provisioning.Tests.Messaging;

public sealed class ClaimIdentityTests
{
    [Fact]
    public async Task The_embedded_broker_tells_provisioning_which_claim_published_and_an_unknown_claim_is_invalid()
    {
        await using var node = await CloudNode.StartAsync(authentication: false);
        var claim = await node.CreateClaimAsync();
        await using var known = await FakeDevice.ClaimAsync(node.Port, "sn-c1", claim);
        await using var stranger = await FakeDevice.ClaimAsync(node.Port, "sn-c2", "claim.nosuch", "x");

        Assert.Equal(ProvisionStatus.Pending, (await known.AskAsync()).Status);
        var refused = await stranger.AskAsync();

        Assert.Equal(claim.ClaimId, await node.ScalarAsync<string>("SELECT claim_id FROM provisioning_requests WHERE serial = 'sn-c1'"));
        Assert.Equal(1, await node.ScalarAsync<int>("SELECT uses FROM claim_tokens WHERE claim_id = @ClaimId", new { claim.ClaimId }));
        Assert.Equal(ProvisionStatus.Invalid, refused.Status);
        Assert.Equal("claim 'nosuch' is unknown", refused.Reason);
    }

    [Fact]
    public async Task A_publisher_without_a_claim_username_falls_back_to_the_configured_default_claim()
    {
        await using var node = await CloudNode.StartAsync(new Dictionary<string, string?> { ["Provisioning:DefaultClaimId"] = "batch-1" }, authentication: false);
        await node.Store.ExecuteAsync(
            "INSERT INTO claim_tokens (claim_id, tenant_id, secret_hash) VALUES ('batch-1', 'acme', @hash)",
            new { hash = SecretHasher.Hash(SecretGenerator.NewSecret()) },
            default);
        await using var device = await FakeDevice.ClaimAsync(node.Port, "sn-d1", "installer", "x");

        Assert.Equal(ProvisionStatus.Pending, (await device.AskAsync()).Status);
        Assert.Equal("batch-1", await node.ScalarAsync<string>("SELECT claim_id FROM provisioning_requests WHERE serial = 'sn-d1'"));
    }

    [Fact]
    public async Task A_publisher_without_any_claim_is_invalid_when_no_default_claim_is_configured()
    {
        await using var node = await CloudNode.StartAsync(authentication: false);
        await using var device = await FakeDevice.ClaimAsync(node.Port, "sn-e1", "installer", "x");

        var answer = await device.AskAsync();

        Assert.Equal(ProvisionStatus.Invalid, answer.Status);
        Assert.Equal("no claim credential is known for this request", answer.Reason);
    }

    [Fact]
    public async Task Provisioning_itself_refuses_a_claim_once_its_uses_are_spent_or_it_has_expired()
    {
        // Without broker authentication (external brokers that cannot check claims), provisioning is the only guard.
        await using var node = await CloudNode.StartAsync(authentication: false);
        var claim = await node.CreateClaimAsync(maxUses: 1);
        await using var first = await FakeDevice.ClaimAsync(node.Port, "sn-5001", claim);
        Assert.Equal(ProvisionStatus.Pending, (await first.AskAsync()).Status);
        Assert.Equal(ProvisionStatus.Pending, (await first.AskAsync()).Status);

        await using var second = await FakeDevice.ClaimAsync(node.Port, "sn-5002", claim);
        var spent = await second.AskAsync();
        Assert.Equal(ProvisionStatus.Invalid, spent.Status);
        Assert.Contains("used 1 of 1", spent.Reason, StringComparison.Ordinal);

        var old = await node.CreateClaimAsync(expires: DateTimeOffset.UtcNow.AddMinutes(-1));
        await using var third = await FakeDevice.ClaimAsync(node.Port, "sn-5003", old);
        var expired = await third.AskAsync();
        Assert.Equal(ProvisionStatus.Invalid, expired.Status);
        Assert.Contains("expired", expired.Reason, StringComparison.Ordinal);
    }
}
