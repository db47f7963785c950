using Dapper;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace Iot.Integration.Tests.Edge;

[Collection(SystemCollection.Name)]
public class SpeechOnlyUploadTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task In_speech_only_mode_silent_chunks_arrive_as_metadata_and_only_speech_audio_is_stored()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var port = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), port, External: false) { SeedDevices = ["acme/pos-1"] });
        await using var agent = await AgentNode.StartAsync(new AgentSettings("acme", "pos-1", dir.Sub("spool"), await SpeechAudio.WavAsync(40), port)
        {
            Extra = new Dictionary<string, string?> { ["Recording:Upload"] = "SpeechOnly", ["Vad:Engine"] = "silero" },
        });
        await agent.Recorder.SourceFinished.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var sealedChunks = agent.Recorder.ChunksSealed;
        await using var c = new NpgsqlConnection(db);
        await Eventually.WaitAsync(async () => await c.ExecuteScalarAsync<long>("SELECT count(*) FROM chunks") == sealedChunks && agent.Outbox.GetStats().Pending == 0, TimeSpan.FromSeconds(30), "all chunks stored");

        var rows = (await c.QueryAsync<(bool Audio, string? Path, int Segments, int Bytes)>(
            "SELECT audio_included, storage_path, jsonb_array_length(speech_segments), byte_length FROM chunks")).ToList();
        var silent = rows.Where(r => !r.Audio).ToList();
        var speech = rows.Where(r => r.Audio).ToList();
        Assert.NotEmpty(silent);
        Assert.NotEmpty(speech);
        Assert.All(silent, r => Assert.True(r.Path is null && r.Segments == 0 && r.Bytes == 0));
        Assert.All(speech, r => Assert.True(r.Path is not null && r.Segments > 0 && r.Bytes > 0));
        Assert.Equal(speech.Count, Directory.GetFiles(Path.Combine(bridge.StorageRoot, "recordings"), "*.opus", SearchOption.AllDirectories).Length);
        output.WriteLine($"speech-only: {rows.Count} chunks, {speech.Count} with speech uploaded, {silent.Count} silent sent as metadata only");
    }
}
