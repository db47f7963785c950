using System.Threading.Channels;
using Iot.Cloud.Bridge.Ingest;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Faults.Tests.BrokerRestarts;

[Collection(SystemCollection.Name)]
public class PubackFailureTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_puback_that_throws_inside_the_mqtt_client_does_not_stop_the_bridge()
    {
        // Found by the process fault suite: MQTTnet throws NullReferenceException from AcknowledgeAsync when the
        // broker connection drops under it, and that escaped the ingest worker and stopped the whole bridge.
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        await using var mosquitto = await MosquittoBroker.StartAsync();
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), mosquitto.Port, External: true));
        var lifetime = bridge.Services.GetRequiredService<IHostApplicationLifetime>();
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await bridge.Services.GetRequiredService<Channel<ReceivedMessage>>().Writer.WriteAsync(new ReceivedMessage(
            "iot/v1/acme/pos-1/chunk", [1, 2, 3], DateTimeOffset.UtcNow, _ =>
            {
                released.TrySetResult();
                throw new NullReferenceException("as MQTTnet does when the connection is gone");
            }));
        await released.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(500);

        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the bridge stopped after a failed PUBACK");
        Assert.Equal(1, bridge.Metrics.RejectedTotal);
    }
}
