using System.Security.Cryptography;
using Iot.Cloud.Bridge.Broker.Dynsec;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Messaging;
using Iot.Provisioning.Security;
using Iot.Provisioning.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Provisioning.Tests.Security;

public sealed class SecretSealingTests
{
    [Fact]
    public async Task With_a_sealer_claim_and_rotation_secrets_are_stored_sealed_for_mosquitto_next_to_their_hashes()
    {
        await using var node = await CloudNode.StartAsync();
        var sealer = new SecretSealer(RandomNumberGenerator.GetBytes(32));
        var admin = new ProvisioningAdmin(
            node.Store,
            node.Services.GetRequiredService<IMessagePublisher>(),
            new NoSessionControl(),
            new Sealer(sealer),
            TimeProvider.System);

        var claim = await admin.CreateClaimAsync(CloudNode.Tenant, null, null, null, default);
        var sealedClaim = await node.ScalarAsync<byte[]>("SELECT secret_sealed FROM claim_tokens WHERE claim_id = @ClaimId", new { claim.ClaimId });
        Assert.Equal(claim.Secret, sealer.Open(claim.Username, sealedClaim!));
        Assert.Null(sealer.Open("claim.other", sealedClaim!));

        var credentials = await node.ProvisionAsync("sn-s1", "till-s1");
        await admin.RotateAsync("till-s1", TimeSpan.FromSeconds(30), default);
        var pending = await node.ScalarAsync<byte[]>("SELECT pending_secret_sealed FROM devices WHERE device_id = 'till-s1'");
        var pendingHash = await node.ScalarAsync<string>("SELECT pending_secret_hash FROM devices WHERE device_id = 'till-s1'");
        Assert.True(SecretHasher.Verify(sealer.Open(credentials.Username, pending!)!, pendingHash));
    }

    private sealed class Sealer(SecretSealer inner) : ISecretSealer
    {
        public byte[]? Seal(string username, string secret) => inner.Seal(username, secret);
    }
}
