using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Iot.Dashboard.Auth;
using Iot.TestSupport;
using Npgsql;

namespace Iot.Dashboard.Tests.Infrastructure;

/// <summary>
/// Two tenants written straight into PostgreSQL the way the bridge and the pipeline would: devices, real Ogg Opus chunk
/// files under the storage root, dialogues with segments, transcripts and analyses, staff users, a pending device.
/// </summary>
public sealed class SeedData
{
    public const string Password = "correct horse battery staple";
    public const string Acme = "acme";
    public const string Globex = "globex";
    public const string AcmeAdmin = "admin@acme.test";
    public const string AcmeAnalyst = "analyst@acme.test";
    public const string AcmeTechnician = "tech@acme.test";
    public const string AcmeNorthSupervisor = "north@acme.test";
    public const string GlobexAdmin = "admin@globex.test";
    public const string EvidenceQuote = "would you like our premium warranty";
    public const string TranscriptText = "hello and welcome to the store would you like our premium warranty today yes please that sounds good";
    public const string AcmeTransaction = "tx-acme-1";
    public const string GlobexTransaction = "tx-globex-1";
    public const string AcmePendingSerial = "sn-acme-new";
    public const string GlobexPendingSerial = "sn-globex-new";
    public const int AcmeBulkDialogues = 40;

    // Dialogue starts are fixed in the past so period filters and time zones give known answers.
    public static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<string> PasswordHash = new(() => PasswordHashing.Hash(Password));

    public Guid AcmeDialogue { get; } = Guid.CreateVersion7();
    public Guid AcmeSouthDialogue { get; } = Guid.CreateVersion7();
    public Guid GlobexDialogue { get; } = Guid.CreateVersion7();
    public Guid AcmeChunk { get; } = Guid.CreateVersion7();
    public Guid GlobexChunk { get; } = Guid.CreateVersion7();
    public byte[] AcmeAudio { get; private set; } = [];

    public static async Task<SeedData> WriteAsync(string connectionString, string storageRoot)
    {
        var seed = new SeedData();
        var opus = await SpeechAudio.OpusAsync(8, variant: 2);
        seed.AcmeAudio = await File.ReadAllBytesAsync(opus);
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO tenants (tenant_id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex');
            INSERT INTO tenant_settings (tenant_id, time_zone) VALUES ('acme', 'America/New_York');
            INSERT INTO branches (branch_id, tenant_id, name) VALUES ('acme-north', 'acme', 'North'), ('acme-south', 'acme', 'South'), ('globex-main', 'globex', 'Main');
            INSERT INTO devices (device_id, tenant_id, branch_id, display_name, model, agent_version, last_seen_at) VALUES
                ('acme-d1', 'acme', 'acme-north', 'Till 1', 'pi4', '1.0.0', now()),
                ('acme-d2', 'acme', 'acme-south', 'Till 2', 'pi4', '1.0.0', NULL),
                ('globex-d1', 'globex', 'globex-main', 'Desk', 'pi5', '1.0.0', now());
            INSERT INTO claim_tokens (claim_id, tenant_id, secret_hash) VALUES ('claim-acme', 'acme', 'x'), ('claim-globex', 'globex', 'x');
            """);
        foreach (var (serial, tenant, claim) in new[] { (AcmePendingSerial, Acme, "claim-acme"), (GlobexPendingSerial, Globex, "claim-globex") })
        {
            await c.ExecuteAsync(
                """
                INSERT INTO provisioning_requests (request_id, serial, hardware_id, model, agent_version, capabilities, nonce, claim_id, status, tenant_id)
                VALUES (@id, @serial, 'hw-' || @serial, 'pi4', '1.0.0', '{}', 'n1', @claim, 'pending', @tenant)
                """,
                new { id = Guid.NewGuid(), serial, claim, tenant });
        }

        await seed.ChunkAsync(c, storageRoot, opus, seed.AcmeChunk, Acme, "acme-d1", AcmeTransaction);
        await seed.ChunkAsync(c, storageRoot, opus, seed.GlobexChunk, Globex, "globex-d1", GlobexTransaction);

        // The one fully analysed dialogue the detail page and the browser test use: 13:05 UTC = 08:05 in New York.
        await DialogueAsync(c, seed.AcmeDialogue, Acme, "acme-north", "acme-d1", "op-anna", Day.AddHours(13).AddMinutes(5), upsell: true, quality: 87, "positive", ["warranty", "accessories"]);
        await TranscriptAsync(c, seed.AcmeDialogue, seed.AcmeChunk);
        await DialogueAsync(c, seed.AcmeSouthDialogue, Acme, "acme-south", "acme-d2", "op-bob", Day.AddHours(15), upsell: false, quality: 35, "negative", []);
        await DialogueAsync(c, seed.GlobexDialogue, Globex, "globex-main", "globex-d1", "op-gary", Day.AddHours(13), upsell: true, quality: 90, "positive", ["warranty"]);
        await TranscriptAsync(c, seed.GlobexDialogue, seed.GlobexChunk);
        for (var i = 0; i < AcmeBulkDialogues; i++)
        {
            await DialogueAsync(c, Guid.CreateVersion7(), Acme, "acme-north", "acme-d1", "op-carl", Day.AddDays(-1).AddMinutes(i * 7), upsell: i % 2 == 0, quality: (short)(i * 2), "neutral", i % 3 == 0 ? ["insurance"] : []);
        }

        foreach (var (email, tenant, role, branches) in new[]
        {
            (AcmeAdmin, Acme, Roles.Admin, (string[]?)null),
            (AcmeAnalyst, Acme, Roles.Analyst, null),
            (AcmeTechnician, Acme, Roles.Technician, null),
            (AcmeNorthSupervisor, Acme, Roles.Supervisor, ["acme-north"]),
            (GlobexAdmin, Globex, Roles.Admin, null),
        })
        {
            await c.ExecuteAsync(
                "INSERT INTO dashboard_users (user_id, tenant_id, email, display_name, role, branches, password_hash) VALUES (@id, @tenant, @email, @email, @role, @branches, @hash)",
                new { id = Guid.CreateVersion7(), tenant, email, role, branches, hash = PasswordHash.Value });
        }

        return seed;
    }

    private async Task ChunkAsync(NpgsqlConnection c, string storageRoot, string opus, Guid chunkId, string tenant, string device, string transaction)
    {
        var relative = Path.Combine("recordings", Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), device, chunkId + ".opus");
        var full = Path.Combine(storageRoot, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.Copy(opus, full, overwrite: true);
        var bytes = await File.ReadAllBytesAsync(full);
        await c.ExecuteAsync(
            """
            INSERT INTO chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec, byte_length, sha256, transaction_id, storage_path, bridge_id)
            VALUES (@chunkId, @tenant, @device, 1, @started, 8000, 16000, 'ogg/opus', @length, @sha, @transaction, @relative, 'test')
            """,
            new { chunkId, tenant, device, started = Day.AddHours(13).AddMinutes(5), length = bytes.Length, sha = Convert.ToHexStringLower(SHA256.HashData(bytes)), transaction, relative });
    }

    private static Task DialogueAsync(NpgsqlConnection c, Guid id, string tenant, string branch, string device, string op, DateTimeOffset started, bool upsell, int quality, string sentiment, string[] categories) =>
        c.ExecuteAsync(
            """
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, operator_id, started_at, ended_at, speech_ms, status)
            VALUES (@id, @tenant, @branch, @device, @op, @started, @started + interval '8 seconds', 8000, 'analyzed');
            INSERT INTO analyses (dialogue_id, engine, upsell_attempted, offered_categories, customer_reaction, checklist, sentiment, sentiment_score, quality_score, summary, evidence)
            VALUES (@id, 'rules', @upsell, @categories, 'accepted',
                    '[{"itemId":"greeting","met":true},{"itemId":"offer-warranty","met":true},{"itemId":"farewell","met":false}]',
                    @sentiment, 0.5, @quality, 'Greeted the customer and offered a warranty.',
                    jsonb_build_array(jsonb_build_object('claim', 'upsell attempted', 'quote', @quote)));
            """,
            new { id, tenant, branch, device, op, started, upsell, categories, sentiment, quality, quote = EvidenceQuote });

    private static Task TranscriptAsync(NpgsqlConnection c, Guid dialogue, Guid chunk) =>
        c.ExecuteAsync(
            """
            INSERT INTO dialogue_segments (chunk_id, start_ms, end_ms, dialogue_id, started_at, offset_ms) VALUES (@chunk, 0, 8000, @dialogue, @started, 0);
            INSERT INTO transcripts (dialogue_id, engine, language, text, utterances) VALUES (@dialogue, 'whisper', 'en', @text,
                '[{"startMs":0,"endMs":2500,"text":"hello and welcome to the store"},
                  {"startMs":2500,"endMs":5500,"text":"would you like our premium warranty today"},
                  {"startMs":5500,"endMs":8000,"text":"yes please that sounds good"}]');
            """,
            new { dialogue, chunk, started = Day.AddHours(13).AddMinutes(5), text = TranscriptText });
}
