using Dapper;
using Iot.Integration.Tests.Infrastructure;
using Iot.TestSupport;
using Iot.TestSupport.Dialogues;
using Npgsql;
using Xunit.Abstractions;

namespace Iot.Integration.Tests.Analysis;

/// <summary>
/// Speech to judgement through every real part: espeak-ng dialogues with known outcomes → agent (VAD, Opus, outbox) →
/// embedded broker → bridge (files, PostgreSQL, job enqueue) → in-process workers on the PostgreSQL queue (dialogue
/// builder, Ogg decoding, PocketSphinx, rule analyzer) → analyses rows whose evidence is verbatim transcript text.
/// </summary>
[Collection(SystemCollection.Name)]
public class SpokenDialogueAnalysisTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Two_spoken_english_dialogues_become_two_analysed_dialogues_with_the_known_upsell_labels_and_verbatim_evidence()
    {
        using var dir = new TempDirectory();
        var scripts = new[] { DialogueScripts.All.Single(s => s.Id == "en-warranty-accepted"), DialogueScripts.All.Single(s => s.Id == "en-no-offer") };
        var wav = Path.Combine(dir.Path, "counter.wav");
        await DialogueSpeech.WriteCounterWavAsync(scripts, silenceSeconds: 8, wav);

        var db = await postgres.CreateDatabaseAsync();
        var port = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), port, External: false)
        {
            SeedDevices = ["acme/pos-1"],
            Extra = new Dictionary<string, string?>
            {
                ["Pipeline:Transcription:Engine"] = "pocketsphinx",
                ["Pipeline:Dialogues:GapSeconds"] = "4",
                // Chunks of this fast (not real-time) agent arrive later than their audio time says; dialogues close on evidence (the silence after them), not on time.
                ["Pipeline:Dialogues:CloseGraceSeconds"] = "300",
                ["Pipeline:Workers:PollSeconds"] = "1",
            },
        });
        await using var agent = await AgentNode.StartAsync(new AgentSettings("acme", "pos-1", dir.Sub("spool"), wav, port) { ChunkSeconds = 5 });
        await agent.Recorder.SourceFinished.Task.WaitAsync(TimeSpan.FromMinutes(1));

        await using var connection = new NpgsqlConnection(db);
        await Eventually.WaitAsync(
            async () => await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM analyses") == 2,
            TimeSpan.FromMinutes(3), "both dialogues analysed",
            async () => string.Join("; ", await connection.QueryAsync<string>(
                "SELECT kind || ':' || status || coalesce(' ' || wait_reason, '') || coalesce(' ' || last_error, '') FROM jobs ORDER BY job_id")));

        var rows = (await connection.QueryAsync<(Guid Id, DateTime Started, string Engine, string Text, bool Upsell, string[] Categories, string Evidence)>(
            """
            SELECT d.dialogue_id, d.started_at, t.engine, t.text, a.upsell_attempted, a.offered_categories, a.evidence::text
            FROM dialogues d JOIN transcripts t USING (dialogue_id) JOIN analyses a USING (dialogue_id)
            ORDER BY d.started_at
            """)).ToList();
        var layout = await connection.QueryAsync<string>(
            """
            SELECT d.status || ' ' || to_char(d.started_at, 'MI:SS.MS') || '-' || to_char(d.ended_at, 'MI:SS.MS') || ' chunks ' || string_agg(DISTINCT c.seq::text, ',')
            FROM dialogues d JOIN dialogue_segments s USING (dialogue_id) JOIN chunks c USING (chunk_id) GROUP BY d.dialogue_id, d.started_at ORDER BY d.started_at
            """);
        output.WriteLine("dialogues: " + string.Join(" | ", layout));
        var latencies = await connection.QueryAsync<double>(
            """
            SELECT extract(epoch FROM a.created_at - max(c.received_at)) * 1000
            FROM analyses a JOIN dialogue_segments s USING (dialogue_id) JOIN chunks c USING (chunk_id) GROUP BY a.dialogue_id, a.created_at
            """);
        output.WriteLine("last chunk stored → analysis stored (ms): " + string.Join(", ", latencies.Select(l => l.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(2, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var (_, _, engine, text, upsell, categories, evidenceJson) = rows[i];
            output.WriteLine($"{scripts[i].Id}: upsell {upsell} [{string.Join(',', categories)}]; heard \"{text}\"");
            Assert.Equal("pocketsphinx", engine);
            Assert.False(string.IsNullOrWhiteSpace(text));
            Assert.Equal(scripts[i].Upsell, upsell);
            foreach (var quote in System.Text.Json.JsonDocument.Parse(evidenceJson).RootElement.EnumerateArray().Select(e => e.GetProperty("quote").GetString()!))
            {
                Assert.Contains(quote, text, StringComparison.Ordinal);
            }
        }

        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM jobs WHERE status = 'dead'"));
    }

    /// <summary>
    /// Second language: espeak-ng speaks the Russian script, the agent records and uploads it, and the workers send the
    /// dialogue's audio to an OpenAI-compatible endpoint. No Russian recogniser runs offline here, so that endpoint is
    /// a local fake answering with the script's words; everything else (queue, builder, decoding, the multipart
    /// request, the Russian phrase sets, evidence checks) is the real product.
    /// </summary>
    [Fact]
    public async Task A_spoken_russian_dialogue_sent_to_an_openai_compatible_transcriber_is_analysed_with_russian_phrases_and_verbatim_evidence()
    {
        using var dir = new TempDirectory();
        var script = DialogueScripts.All.Single(s => s.Id == "ru-warranty-accepted");
        var spoken = await DialogueSpeech.SpeakAsync(script);
        var wav = Path.Combine(dir.Path, "counter-ru.wav");
        await DialogueSpeech.WriteCounterWavAsync([script], silenceSeconds: 8, wav);
        await using var asr = new FakeOpenAiServer
        {
            TranscriptionContent = System.Text.Json.JsonSerializer.Serialize(new
            {
                task = "transcribe",
                language = "ru",
                duration = spoken.Duration.TotalSeconds,
                text = script.Text,
                segments = spoken.Lines.Select((l, i) => new { id = i, start = l.StartMs / 1000.0, end = l.EndMs / 1000.0, text = " " + l.Line.Text }),
            }),
        };

        var db = await postgres.CreateDatabaseAsync();
        var port = FreePort.Next();
        await using var bridge = await BridgeNode.StartAsync(new BridgeSettings(db, dir.Sub("store"), port, External: false)
        {
            SeedDevices = ["acme/pos-2"],
            Extra = new Dictionary<string, string?>
            {
                ["Pipeline:Transcription:Engine"] = "openai",
                ["Pipeline:Transcription:OpenAi:BaseUrl"] = asr.Mode("good"),
                ["Pipeline:Dialogues:GapSeconds"] = "4",
                ["Pipeline:Dialogues:CloseGraceSeconds"] = "300",
                ["Pipeline:Workers:PollSeconds"] = "1",
            },
        });
        await using var agent = await AgentNode.StartAsync(new AgentSettings("acme", "pos-2", dir.Sub("spool"), wav, port) { ChunkSeconds = 5 });
        await agent.Recorder.SourceFinished.Task.WaitAsync(TimeSpan.FromMinutes(1));

        await using var connection = new NpgsqlConnection(db);
        await Eventually.WaitAsync(
            async () => await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM analyses") == 1,
            TimeSpan.FromMinutes(3), "the dialogue analysed",
            async () => string.Join("; ", await connection.QueryAsync<string>(
                "SELECT kind || ':' || status || coalesce(' ' || wait_reason, '') || coalesce(' ' || last_error, '') FROM jobs ORDER BY job_id")));

        var row = await connection.QuerySingleAsync<(string Engine, string Text, bool Upsell, string[] Categories, string Reaction, string Evidence)>(
            "SELECT t.engine, t.text, a.upsell_attempted, a.offered_categories, a.customer_reaction, a.evidence::text FROM transcripts t JOIN analyses a USING (dialogue_id)");
        output.WriteLine($"{script.Id}: upsell {row.Upsell} [{string.Join(',', row.Categories)}] {row.Reaction}; evidence {row.Evidence}");
        Assert.Equal("openai", row.Engine);
        Assert.Equal(script.Upsell, row.Upsell);
        Assert.Equal(script.Categories, row.Categories);
        Assert.Equal(script.Reaction, row.Reaction);
        var quotes = System.Text.Json.JsonDocument.Parse(row.Evidence).RootElement.EnumerateArray().Select(e => e.GetProperty("quote").GetString()!).ToList();
        Assert.NotEmpty(quotes);
        Assert.All(quotes, q => Assert.Contains(q, row.Text, StringComparison.Ordinal));
        var request = Assert.Single(asr.Requests, r => r.Path.EndsWith("/v1/audio/transcriptions", StringComparison.Ordinal));
        Assert.StartsWith("multipart/form-data", request.ContentType, StringComparison.Ordinal);
    }
}
