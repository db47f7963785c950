using Iot.Cloud.Bridge.Persistence;
using Iot.Protocol.Messages;
using Iot.Provisioning.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace Iot.Provisioning.Tests.Admin;

public sealed class RevocationTests
{
    [Fact]
    public async Task A_revoked_device_is_unknown_to_ingest_its_live_session_is_ended_and_it_cannot_log_in_again()
    {
        await using var node = await CloudNode.StartAsync();
        var credentials = await node.ProvisionAsync("sn-8001", "till-2");
        await using var device = await FakeDevice.AsIdentityAsync(node.Port, credentials);
        Assert.Equal(AckStatus.Stored, (await device.SendChunkAsync(CloudNode.Tenant, "till-2")).Status);

        await node.Admin.RevokeAsync("till-2", default);

        var registry = new DeviceRegistry(node.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), TimeProvider.System);
        Assert.False(await registry.IsKnownAsync(CloudNode.Tenant, "till-2", default));
        await Eventually.WaitAsync(() => Task.FromResult(!device.IsConnected), TimeSpan.FromSeconds(10), "the revoked device's session to be ended");
        Assert.Equal(
            MqttClientConnectResultCode.NotAuthorized,
            await FakeDevice.TryConnectAsync(node.Port, credentials.Username, credentials.Username, credentials.Password));
        Assert.Null(await node.ScalarAsync<string>("SELECT secret_hash FROM devices WHERE device_id = 'till-2'"));
    }

    [Fact]
    public async Task A_revoked_device_s_chunks_are_refused_as_unknown_where_the_broker_does_not_check_credentials()
    {
        await using var node = await CloudNode.StartAsync(authentication: false);
        var credentials = await node.ProvisionAsync("sn-8002", "till-3");

        await node.Admin.RevokeAsync("till-3", default);
        await using var device = await FakeDevice.AsIdentityAsync(node.Port, credentials);
        var ack = await device.SendChunkAsync(CloudNode.Tenant, "till-3");

        Assert.Equal(AckStatus.Rejected, ack.Status);
        Assert.Equal(RejectReason.UnknownDevice, ack.Reason);
        Assert.True(ack.Retryable);
    }
}
