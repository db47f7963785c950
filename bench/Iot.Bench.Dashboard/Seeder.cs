using Npgsql;
using NpgsqlTypes;

namespace Iot.Bench.Dashboard;

/// <summary>
/// Writes a year of data, in time order, for tenant "bench" (and 10 % noise in tenant "other", which row security must skip) with
/// binary COPY: one chunk per dialogue, N speech segments per chunk, an analysis per dialogue, a share with transcripts.
/// </summary>
internal static class Seeder
{
    public const string Tenant = "bench";
    public const string Other = "other";
    public const int Branches = 10;
    public const int Devices = 100;

    private static readonly string[] Categories = ["warranty", "accessories", "insurance", "upgrade", "membership", "cable", "case"];
    private static readonly string[] Words = ["hello", "welcome", "warranty", "price", "discount", "card", "receipt", "thanks", "today", "offer", "cable", "phone", "case", "return", "help", "account"];
    private static readonly string[] Sentiments = ["negative", "neutral", "positive"];
    private static readonly string[] Reactions = ["none", "accepted", "declined", "undecided"];

    public static async Task SeedAsync(NpgsqlDataSource db, BenchArgs args, DateTimeOffset end, Action<string> progress)
    {
        await using var c = await db.OpenConnectionAsync();
        await using (var cmd = new NpgsqlCommand(
            """
            INSERT INTO tenants (tenant_id, name) VALUES ('bench', 'Bench'), ('other', 'Other');
            INSERT INTO tenant_settings (tenant_id, time_zone) VALUES ('bench', 'Europe/Berlin');
            INSERT INTO branches (branch_id, tenant_id, name) SELECT 'b' || i, CASE WHEN i < 10 THEN 'bench' ELSE 'other' END, 'Branch ' || i FROM generate_series(0, 10) i;
            INSERT INTO devices (device_id, tenant_id, branch_id, last_seen_at)
                SELECT 'd' || i, CASE WHEN i < 100 THEN 'bench' ELSE 'other' END, 'b' || CASE WHEN i < 100 THEN i % 10 ELSE 10 END,
                       CASE WHEN i % 3 = 0 THEN now() END
                FROM generate_series(0, 109) i;
            """,
            c))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        // A live system has had its monthly partitions made ahead by the daily job (migration 0040); a year loaded at once
        // would otherwise go to DEFAULT.
        await using (var months = new NpgsqlCommand(
            """
            SELECT iot_partition_create(t, m::date)
            FROM unnest(iot_partitioned_tables()) t,
                 generate_series(date_trunc('month', (@end::timestamptz - interval '366 days') AT TIME ZONE 'UTC'), @end::timestamptz AT TIME ZONE 'UTC', interval '1 month') m
            """,
            c))
        {
            months.Parameters.AddWithValue("end", end.UtcDateTime);
            await months.ExecuteNonQueryAsync();
        }

        // The bulk load writes the child rows' tenant/branch itself; per-row scope triggers would only repeat it.
        await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", c))
        {
            await replica.ExecuteNonQueryAsync();
        }

        var random = new Random(42);
        var span = TimeSpan.FromDays(365).Ticks;
        const int batch = 100_000;
        for (var from = 0; from < args.Dialogues; from += batch)
        {
            var rows = Enumerable.Range(from, Math.Min(batch, args.Dialogues - from)).Select(i =>
            {
                var other = i % 10 == 9;
                var device = other ? 100 + (i % 10) : i % Devices;
                return new Row(
                    Guid.CreateVersion7(),
                    Guid.CreateVersion7(),
                    other ? Other : Tenant,
                    "b" + (other ? 10 : device % Branches),
                    "d" + device,
                    "op-" + (i % 200),
                    // Rows arrive in time order in production, so the table is laid out by time; a few minutes of jitter.
                    end.AddTicks(-span + (span / args.Dialogues * i) + random.NextInt64(TimeSpan.TicksPerMinute * 5)),
                    random.Next(0, 101),
                    random.Next(3) == 0,
                    random.NextDouble() < args.TranscriptShare);
            }).ToList();
            await CopyAsync(c, rows, args.SegmentsPerDialogue, random);
            progress($"{from + rows.Count:N0} dialogues");
        }

        // Autovacuum would have run on a live system: statistics and the visibility map (for index-only scans).
        await using var analyze = new NpgsqlCommand("VACUUM (ANALYZE)", c);
        analyze.CommandTimeout = 0;
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task CopyAsync(NpgsqlConnection c, List<Row> rows, int segments, Random random)
    {
        await using (var w = await c.BeginBinaryImportAsync("COPY chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec, byte_length, sha256, storage_path, bridge_id) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in rows)
            {
                await w.StartRowAsync();
                await w.WriteAsync(r.ChunkId, NpgsqlDbType.Uuid);
                await w.WriteAsync(r.Tenant, NpgsqlDbType.Text);
                await w.WriteAsync(r.Device, NpgsqlDbType.Text);
                await w.WriteAsync(1L, NpgsqlDbType.Bigint);
                await w.WriteAsync(r.Started, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(60_000, NpgsqlDbType.Integer);
                await w.WriteAsync(16_000, NpgsqlDbType.Integer);
                await w.WriteAsync("ogg/opus", NpgsqlDbType.Text);
                await w.WriteAsync(180_000, NpgsqlDbType.Integer);
                await w.WriteAsync(new string('0', 64), NpgsqlDbType.Text);
                await w.WriteAsync($"recordings/{r.Started:yyyy-MM-dd}/{r.Device}/{r.ChunkId}.opus", NpgsqlDbType.Text);
                await w.WriteAsync("bench", NpgsqlDbType.Text);
            }

            await w.CompleteAsync();
        }

        await using (var w = await c.BeginBinaryImportAsync("COPY dialogues (dialogue_id, tenant_id, branch_id, device_id, operator_id, started_at, ended_at, speech_ms, status, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in rows)
            {
                await w.StartRowAsync();
                await w.WriteAsync(r.DialogueId, NpgsqlDbType.Uuid);
                await w.WriteAsync(r.Tenant, NpgsqlDbType.Text);
                await w.WriteAsync(r.Branch, NpgsqlDbType.Text);
                await w.WriteAsync(r.Device, NpgsqlDbType.Text);
                await w.WriteAsync(r.Operator, NpgsqlDbType.Text);
                await w.WriteAsync(r.Started, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(r.Started.AddSeconds(55), NpgsqlDbType.TimestampTz);
                await w.WriteAsync(segments * 5000, NpgsqlDbType.Integer);
                await w.WriteAsync("analyzed", NpgsqlDbType.Text);
                // Last touched when its analysis was saved, a few minutes after it ended (what the overview roll-up keys on).
                await w.WriteAsync(r.Started.AddMinutes(5), NpgsqlDbType.TimestampTz);
            }

            await w.CompleteAsync();
        }

        await using (var w = await c.BeginBinaryImportAsync("COPY dialogue_segments (chunk_id, start_ms, end_ms, dialogue_id, started_at, offset_ms, tenant_id, branch_id) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in rows)
            {
                for (var k = 0; k < segments; k++)
                {
                    await w.StartRowAsync();
                    await w.WriteAsync(r.ChunkId, NpgsqlDbType.Uuid);
                    await w.WriteAsync(k * 6000, NpgsqlDbType.Integer);
                    await w.WriteAsync((k * 6000) + 5000, NpgsqlDbType.Integer);
                    await w.WriteAsync(r.DialogueId, NpgsqlDbType.Uuid);
                    await w.WriteAsync(r.Started.AddMilliseconds(k * 6000), NpgsqlDbType.TimestampTz);
                    await w.WriteAsync(k * 5000, NpgsqlDbType.Integer);
                    await w.WriteAsync(r.Tenant, NpgsqlDbType.Text);
                    await w.WriteAsync(r.Branch, NpgsqlDbType.Text);
                }
            }

            await w.CompleteAsync();
        }

        await using (var w = await c.BeginBinaryImportAsync("COPY analyses (dialogue_id, engine, upsell_attempted, offered_categories, customer_reaction, sentiment, sentiment_score, quality_score, summary, tenant_id, branch_id, dialogue_started_at, checklist, offered_items, purchase, evidence) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in rows)
            {
                await w.StartRowAsync();
                await w.WriteAsync(r.DialogueId, NpgsqlDbType.Uuid);
                await w.WriteAsync("rules", NpgsqlDbType.Text);
                await w.WriteAsync(r.Upsell, NpgsqlDbType.Boolean);
                await w.WriteAsync(r.Upsell ? new[] { Categories[r.Quality % Categories.Length] } : [], NpgsqlDbType.Array | NpgsqlDbType.Text);
                await w.WriteAsync(Reactions[r.Quality % Reactions.Length], NpgsqlDbType.Text);
                await w.WriteAsync(Sentiments[r.Quality % 3], NpgsqlDbType.Text);
                await w.WriteAsync((float)((r.Quality / 50.0) - 1), NpgsqlDbType.Real);
                await w.WriteAsync((short)r.Quality, NpgsqlDbType.Smallint);
                await w.WriteAsync("Customer served; offer " + (r.Upsell ? "made" : "not made") + ".", NpgsqlDbType.Text);
                await w.WriteAsync(r.Tenant, NpgsqlDbType.Text);
                await w.WriteAsync(r.Branch, NpgsqlDbType.Text);
                await w.WriteAsync(r.Started, NpgsqlDbType.TimestampTz);

                // Three checklist items, met by quality (what the Performance page's compliance columns read).
                await w.WriteAsync($$"""[{"itemId":"greeting","met":{{(r.Quality > 20 ? "true" : "false")}}},{"itemId":"offer","met":{{(r.Upsell ? "true" : "false")}}},{"itemId":"farewell","met":{{(r.Quality % 2 == 0 ? "true" : "false")}}}]""", NpgsqlDbType.Jsonb);

                // Offers in the seller's words (migration 0067): one per attempt, a second on every fifth, from a list of
                // spellings so the top-items table folds case; a purchase in about 60 % of dialogues, unjudged in 5 %.
                var category = Categories[r.Quality % Categories.Length];
                var reaction = Reactions[r.Quality % Reactions.Length] is "none" ? "undecided" : Reactions[r.Quality % Reactions.Length];
                var items = !r.Upsell ? "[]" : r.Quality % 5 == 0
                    ? $$"""[{"item":"{{ItemWords(r.Quality)}}","category":"{{category}}","reaction":"{{reaction}}"},{"item":"{{ItemWords(r.Quality + 7)}}","category":"{{Categories[(r.Quality + 1) % Categories.Length]}}","reaction":"declined"}]"""
                    : $$"""[{"item":"{{ItemWords(r.Quality)}}","category":"{{category}}","reaction":"{{reaction}}"}]""";
                await w.WriteAsync(items, NpgsqlDbType.Jsonb);
                var judged = r.Quality % 20 != 19;
                var purchase = r.Quality % 5 < 3;
                if (judged)
                {
                    await w.WriteAsync(purchase, NpgsqlDbType.Boolean);
                }
                else
                {
                    await w.WriteNullAsync();
                }

                await w.WriteAsync(
                    judged && purchase ? """[{"claim":"purchase","quote":"I'll take it"}]""" : r.Upsell ? $$"""[{"claim":"upsell","quote":"{{ItemWords(r.Quality)}}"},{"claim":"reaction","quote":"no thanks"}]""" : "[]",
                    NpgsqlDbType.Jsonb);
            }

            await w.CompleteAsync();
        }

        await using (var w = await c.BeginBinaryImportAsync("COPY transcripts (dialogue_id, engine, language, text, utterances, tenant_id, branch_id) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in rows.Where(r => r.Transcribed))
            {
                var text = string.Join(' ', Enumerable.Range(0, 30).Select(_ => Words[random.Next(Words.Length)]));
                await w.StartRowAsync();
                await w.WriteAsync(r.DialogueId, NpgsqlDbType.Uuid);
                await w.WriteAsync("whisper", NpgsqlDbType.Text);
                await w.WriteAsync("en", NpgsqlDbType.Text);
                await w.WriteAsync(text, NpgsqlDbType.Text);
                await w.WriteAsync($$"""[{"startMs":0,"endMs":5000,"text":"{{text}}"}]""", NpgsqlDbType.Jsonb);
                await w.WriteAsync(r.Tenant, NpgsqlDbType.Text);
                await w.WriteAsync(r.Branch, NpgsqlDbType.Text);
            }

            await w.CompleteAsync();
        }
    }

    /// <summary>About 40 distinct items, each in a few spellings (case, spaces) that fold to one.</summary>
    private static string ItemWords(int n) => (n % 3) switch
    {
        0 => $"extended cover {n % 40}",
        1 => $"Extended Cover {n % 40}",
        _ => $" EXTENDED  cover {n % 40} ",
    };

        private sealed record Row(Guid DialogueId, Guid ChunkId, string Tenant, string Branch, string Device, string Operator, DateTimeOffset Started, int Quality, bool Upsell, bool Transcribed);
}
