using Dapper;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Iot.TestSupport.Whisper;
using Npgsql;

namespace Iot.Integration.Tests.Edge;

[Collection(SystemCollection.Name)]
public class OnDeviceTranscriptionTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_transcript_made_on_the_device_travels_with_its_chunk_and_is_stored_with_it()
    {
        using var dir = new TempDirectory();
        var db = await postgres.CreateDatabaseAsync();
        var port = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), port, External: false) { SeedDevices = ["acme/pos-1"] });
        await using var agent = await AgentNode.StartAsync(new AgentSettings("acme", "pos-1", dir.Sub("spool"), await SpeechAudio.WavAsync(12), port)
        {
            ChunkSeconds = 6,
            AckTimeoutSeconds = 60,
            Extra = new Dictionary<string, string?>
            {
                ["Recording:Upload"] = "SpeechOnly",
                ["Transcription:Enabled"] = "true",
                ["Transcription:ModelPath"] = await WhisperFixtureModel.PathAsync(),
                ["Transcription:Language"] = "en",
                ["Transcription:Threads"] = "1",
            },
        });

        await using var c = new NpgsqlConnection(db);
        await Eventually.WaitAsync(
            async () => await c.ExecuteScalarAsync<long>("SELECT count(*) FROM chunks") == 2 && agent.Outbox.GetStats().Pending == 0,
            TimeSpan.FromMinutes(3), "both chunks stored");

        var rows = (await c.QueryAsync<(bool Audio, string? Transcript, int DurationMs)>(
            "SELECT audio_included, device_transcript::text, duration_ms FROM chunks ORDER BY seq")).ToList();
        Assert.All(rows.Where(r => r.Audio), r => Assert.NotNull(r.Transcript));
        var transcript = System.Text.Json.JsonDocument.Parse(rows.First(r => r.Audio).Transcript!).RootElement;
        Assert.Equal("en", transcript.GetProperty("language").GetString());
        var segments = transcript.GetProperty("segments").EnumerateArray().ToList();
        Assert.NotEmpty(segments);
        Assert.All(segments, s => Assert.InRange(s.GetProperty("endMs").GetInt32(), s.GetProperty("startMs").GetInt32() + 1, rows[0].DurationMs));
    }
}
