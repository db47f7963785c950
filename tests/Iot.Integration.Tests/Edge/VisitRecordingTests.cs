using Dapper;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Npgsql;

namespace Iot.Integration.Tests.Edge;

[Collection(SystemCollection.Name)]
public class VisitRecordingTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_visit_called_over_the_cmd_topic_is_recorded_and_stored_under_its_transaction_id_and_operator()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var port = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), port, External: false) { SeedDevices = ["acme/desk-1"] });
        var wav = await SpeechAudio.WavAsync(20);
        await using var agent = await AgentNode.StartAsync(new AgentSettings("acme", "desk-1", dir.Sub("spool"), wav, port)
        {
            RealTime = true,
            ChunkSeconds = 60,
            Extra = new Dictionary<string, string?> { ["Recording:Trigger"] = "Visits" },
        });
        await using var queueSystem = await ProbeClient.ConnectAsync(port);
        await Eventually.WaitAsync(() => Task.FromResult(agent.Uplink.IsConnected), TimeSpan.FromSeconds(10), "agent connected");
        await Task.Delay(1000);

        await queueSystem.PublishAsync(TopicTree.Cmd("acme", "desk-1"), Command("visit_call", "t-77", "Anna K."));
        await Task.Delay(2500);
        await queueSystem.PublishAsync(TopicTree.Cmd("acme", "desk-1"), Command("visit_end", "t-77"));

        await using var connection = new NpgsqlConnection(db);
        await Eventually.WaitAsync(
            async () => await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM chunks") == 1 && agent.Outbox.GetStats().Pending == 0,
            TimeSpan.FromSeconds(20), "the visit's chunk stored");
        var row = await connection.QuerySingleAsync<(string Tx, int Duration, string Path, string? Operator)>("SELECT transaction_id, duration_ms, storage_path, operator_id FROM chunks");
        Assert.Equal("t-77", row.Tx);
        Assert.Equal("Anna K.", row.Operator);
        Assert.InRange(row.Duration, 2000, 3200);
        Assert.Matches(@"^recordings/\d{4}-\d{2}-\d{2}/desk-1/t-77_[0-9a-f]{32}\.opus$", row.Path);
        var info = await ExternalTool.RunAsync("opusinfo", [Path.Combine(bridge.StorageRoot, row.Path)]);
        Assert.Equal(0, info.ExitCode);
    }

    private static byte[] Command(string name, string transactionId, string? operatorId = null) => ProtocolJson.Serialize(new DeviceCommand
    {
        CommandId = Guid.CreateVersion7(),
        Name = name,
        Args = operatorId is null
            ? new Dictionary<string, string> { ["transactionId"] = transactionId }
            : new Dictionary<string, string> { ["transactionId"] = transactionId, ["operator"] = operatorId },
        IssuedAtUtc = DateTimeOffset.UtcNow,
    });
}
