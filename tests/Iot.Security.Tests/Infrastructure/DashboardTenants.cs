using System.Globalization;
using Dapper;
using Iot.Dashboard.Auth;
using Npgsql;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>
/// Two tenants for the dashboard probes, written straight into PostgreSQL as the bridge and pipeline would: Alpha (the
/// victim: two branches, a device, chunk, dialogue with transcript and analysis in each, a pending serial, staff of every
/// role, one branch-scoped admin and one branch-scoped supervisor) and Bravo (the attacker's own tenant, one of each).
/// Every Alpha value is distinctive so that a response body can be searched for it.
/// </summary>
public sealed class DashboardTenants
{
    public const string Password = "probe password 2026 long enough";
    public const string Alpha = "alpha-co";
    public const string Bravo = "bravo-co";
    public const string AlphaNorth = "alpha-north";
    public const string AlphaSouth = "alpha-south";
    public const string BravoMain = "bravo-main";
    public const string AlphaNorthDevice = "alpha-till-north";
    public const string AlphaSouthDevice = "alpha-till-south";
    public const string BravoDevice = "bravo-desk";
    public const string AlphaSouthTransaction = "tx-alpha-south-visit";
    public const string AlphaPendingSerial = "sn-alpha-pending-7731";
    public const string AlphaNorthTranscript = "alpha north confidential transcript about pricing";
    public const string AlphaSouthTranscript = "alpha south confidential transcript about returns";

    public const string AlphaAdmin = "admin@alpha.test";
    public const string AlphaNorthAdmin = "north-admin@alpha.test";
    public const string AlphaSupervisor = "supervisor@alpha.test";
    public const string AlphaNorthSupervisor = "north-supervisor@alpha.test";
    public const string AlphaAnalyst = "analyst@alpha.test";
    public const string AlphaTechnician = "technician@alpha.test";
    public const string BravoAdmin = "admin@bravo.test";

    public static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<string> PasswordHash = new(() => PasswordHashing.Hash(Password));

    public Guid AlphaNorthDialogue { get; } = Guid.CreateVersion7();
    public Guid AlphaSouthDialogue { get; } = Guid.CreateVersion7();
    public Guid BravoDialogue { get; } = Guid.CreateVersion7();

    /// <summary>Alpha south's missed opportunity (a purchase, no offer) and declined offer (migration 0067), for /api/opportunities.</summary>
    public Guid AlphaSouthMissedDialogue { get; } = Guid.CreateVersion7();
    public Guid AlphaSouthDeclinedDialogue { get; } = Guid.CreateVersion7();

    public const string AlphaSouthPurchaseQuote = "alpha south purchase quote 6130";
    public const string AlphaSouthOfferedItem = "alpha south gift wrap 2284";
    public const string AlphaSouthReplyQuote = "alpha south no thanks 5517";
    public Guid AlphaNorthChunk { get; } = Guid.CreateVersion7();
    public Guid AlphaSouthChunk { get; } = Guid.CreateVersion7();
    public Guid BravoChunk { get; } = Guid.CreateVersion7();
    public Dictionary<string, Guid> UserIds { get; } = new(StringComparer.Ordinal);

    /// <summary>A waiting analysis of Alpha's north dialogue (cancellable by Alpha's admins only).</summary>
    public long AlphaNorthJob { get; private set; }

    /// <summary>A dead transcription of Alpha's south dialogue (retryable by Alpha's all-branch admins only).</summary>
    public long AlphaSouthJob { get; private set; }

    public const string AlphaSouthJobError = "alpha south engine failure 5521";

    /// <summary>Open alerts of Alpha: one per branch and one tenant-wide (no branch: all-branch staff only).</summary>
    public long AlphaNorthAlert { get; private set; }

    public long AlphaSouthAlert { get; private set; }

    public long AlphaTenantWideAlert { get; private set; }

    /// <summary>Alpha's webhook channel (tenant admins of all branches only), with a delivery of the south alert.</summary>
    public long AlphaChannel { get; private set; }

    /// <summary>Alpha's all-branch admin's weekly summary mail of the south branch (only its owner may see or remove it).</summary>
    public long AlphaSubscription { get; private set; }

    public const string AlphaSouthAlertSummary = "alpha south spool 3% free 8841";
    public const string AlphaTenantWideAlertSummary = "alpha dead transcribe jobs 7302";
    public const string AlphaChannelName = "alpha ops hook 6612";
    public const string AlphaChannelUrl = "https://hooks.alpha.example/services/alpha-token-4410";
    public const string AlphaChannelSecret = "alpha-webhook-secret-5093";

    /// <summary>What the fleet service stored of Alpha's tills (device_health, device_events): the fleet list, device page and their streams show it.</summary>
    public const string AlphaNorthMic = "alpha north usb mic 4471";
    public const string AlphaSouthMic = "alpha south usb mic 8834";
    public const string AlphaSouthReconnect = "alpha south reconnect 2290";

    /// <summary>Everything of Alpha's that must never appear in an answer to someone who may not see it.</summary>
    public IReadOnlyList<string> AlphaMarkers =>
    [
        Alpha, AlphaNorth, AlphaSouth, AlphaNorthDevice, AlphaSouthDevice, AlphaSouthTransaction, AlphaPendingSerial,
        AlphaNorthTranscript, AlphaSouthTranscript, "@alpha.test", AlphaChannelName, "alpha-token-4410", AlphaChannelSecret, AlphaNorthMic, .. AlphaSouthMarkers.Concat([AlphaNorthDialogue.ToString(), AlphaNorthChunk.ToString()]),
        .. UserIds.Where(u => u.Key.EndsWith("@alpha.test", StringComparison.Ordinal)).Select(u => u.Value.ToString()),
    ];

    /// <summary>What of Alpha's south branch a north-only account must not see.</summary>
    public IReadOnlyList<string> AlphaSouthMarkers =>
        [AlphaSouthDevice, AlphaSouthTransaction, AlphaSouthTranscript, AlphaSouthDialogue.ToString(), AlphaSouthChunk.ToString(), "Alpha South Till", AlphaSouthJobError, AlphaSouthAlertSummary, AlphaTenantWideAlertSummary, AlphaSouthMic, AlphaSouthReconnect,
         AlphaSouthMissedDialogue.ToString(), AlphaSouthDeclinedDialogue.ToString(), AlphaSouthPurchaseQuote, AlphaSouthOfferedItem, AlphaSouthReplyQuote];

    public static async Task<DashboardTenants> WriteAsync(string connectionString, string storageRoot)
    {
        var t = new DashboardTenants();
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO tenants (tenant_id, name) VALUES ('alpha-co', 'Alpha Co'), ('bravo-co', 'Bravo Co');
            INSERT INTO branches (branch_id, tenant_id, name) VALUES ('alpha-north', 'alpha-co', 'Alpha North'), ('alpha-south', 'alpha-co', 'Alpha South'), ('bravo-main', 'bravo-co', 'Bravo Main');
            INSERT INTO devices (device_id, tenant_id, branch_id, display_name, model, agent_version, last_seen_at) VALUES
                ('alpha-till-north', 'alpha-co', 'alpha-north', 'Alpha North Till', 'pi4', '1.0.0', now()),
                ('alpha-till-south', 'alpha-co', 'alpha-south', 'Alpha South Till', 'pi4', '1.0.0', now()),
                ('bravo-desk', 'bravo-co', 'bravo-main', 'Bravo Desk', 'pi5', '1.0.0', now());
            INSERT INTO claim_tokens (claim_id, tenant_id, secret_hash) VALUES ('claim-alpha', 'alpha-co', 'x');
            INSERT INTO provisioning_requests (request_id, serial, hardware_id, model, agent_version, capabilities, nonce, claim_id, status, tenant_id, branch_id)
            VALUES (gen_random_uuid(), 'sn-alpha-pending-7731', 'hw-alpha-7731', 'pi4', '1.0.0', '{}', 'n1', 'claim-alpha', 'pending', 'alpha-co', 'alpha-south');
            """);
        await ChunkAndDialogueAsync(c, storageRoot, t.AlphaNorthChunk, t.AlphaNorthDialogue, Alpha, AlphaNorth, AlphaNorthDevice, "tx-alpha-north-visit", AlphaNorthTranscript);
        await ChunkAndDialogueAsync(c, storageRoot, t.AlphaSouthChunk, t.AlphaSouthDialogue, Alpha, AlphaSouth, AlphaSouthDevice, AlphaSouthTransaction, AlphaSouthTranscript);
        await ChunkAndDialogueAsync(c, storageRoot, t.BravoChunk, t.BravoDialogue, Bravo, BravoMain, BravoDevice, "tx-bravo-visit", "bravo own transcript");
        foreach (var (email, tenant, role, branches) in new[]
        {
            (AlphaAdmin, Alpha, Roles.Admin, (string[]?)null),
            (AlphaNorthAdmin, Alpha, Roles.Admin, [AlphaNorth]),
            (AlphaSupervisor, Alpha, Roles.Supervisor, null),
            (AlphaNorthSupervisor, Alpha, Roles.Supervisor, [AlphaNorth]),
            (AlphaAnalyst, Alpha, Roles.Analyst, null),
            (AlphaTechnician, Alpha, Roles.Technician, null),
            (BravoAdmin, Bravo, Roles.Admin, null),
        })
        {
            var id = Guid.CreateVersion7();
            t.UserIds[email] = id;
            await c.ExecuteAsync(
                "INSERT INTO dashboard_users (user_id, tenant_id, email, display_name, role, branches, password_hash) VALUES (@id, @tenant, @email, @email, @role, @branches, @hash)",
                new { id, tenant, email, role, branches, hash = PasswordHash.Value });
        }

        // A reviewer's correction of each Alpha dialogue, so the review routes and the labelled-data export (which
        // carries the transcript) have something of Alpha's to leak.
        foreach (var (dialogue, branch) in new[] { (t.AlphaNorthDialogue, AlphaNorth), (t.AlphaSouthDialogue, AlphaSouth) })
        {
            await c.ExecuteAsync(
                """
                INSERT INTO analysis_reviews (dialogue_id, tenant_id, branch_id, dialogue_started_at, upsell_attempted, customer_reaction, reviewer_id,
                                              reviewer, reviewed_at, analysis_engine, analysis_created_at, machine_upsell, machine_reaction)
                SELECT d.dialogue_id, d.tenant_id, d.branch_id, d.started_at, false, 'none', @reviewer, @email, now(), a.engine, a.created_at, a.upsell_attempted, a.customer_reaction
                FROM dialogues d JOIN analyses a ON a.dialogue_id = d.dialogue_id WHERE d.dialogue_id = @dialogue AND d.branch_id = @branch
                """,
                new { dialogue, branch, reviewer = t.UserIds[AlphaAdmin], email = AlphaAdmin });
        }

        // Missed opportunities of Alpha's south branch (no chunk: the opportunity lists read analyses only): a purchase
        // nobody offered anything at, and a declined offer, each with its quotes; Bravo has one of each too.
        const string opportunity = """
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, operator_id, started_at, ended_at, speech_ms, status)
            VALUES (@id, @tenant, @branch, @device, 'op-' || @device, @started, @started + interval '8 seconds', 8000, 'analyzed');
            INSERT INTO analyses (dialogue_id, engine, upsell_attempted, offered_categories, customer_reaction, checklist, sentiment, sentiment_score, quality_score, summary,
                                  evidence, offered_items, purchase)
            VALUES (@id, 'rules', @upsell, CASE WHEN @upsell THEN '{accessories}'::text[] ELSE '{}' END, CASE WHEN @upsell THEN 'declined' ELSE 'none' END, '[]', 'neutral', 0, 50, 'opportunity',
                    CASE WHEN @upsell THEN jsonb_build_array(jsonb_build_object('claim', 'upsell', 'quote', @item), jsonb_build_object('claim', 'reaction', 'quote', @reply))
                         ELSE jsonb_build_array(jsonb_build_object('claim', 'purchase', 'quote', @purchase)) END,
                    CASE WHEN @upsell THEN jsonb_build_array(jsonb_build_object('item', @item, 'category', 'accessories', 'reaction', 'declined')) ELSE '[]'::jsonb END,
                    true);
            """;
        foreach (var (id, tenant, branch, device, upsell, prefix) in new[]
        {
            (t.AlphaSouthMissedDialogue, Alpha, AlphaSouth, AlphaSouthDevice, false, "alpha south"),
            (t.AlphaSouthDeclinedDialogue, Alpha, AlphaSouth, AlphaSouthDevice, true, "alpha south"),
            (Guid.CreateVersion7(), Bravo, BravoMain, BravoDevice, false, "bravo"),
            (Guid.CreateVersion7(), Bravo, BravoMain, BravoDevice, true, "bravo"),
        })
        {
            await c.ExecuteAsync(opportunity, new
            {
                id, tenant, branch, device, upsell, started = Day.AddHours(14),
                item = prefix == "bravo" ? "bravo gift wrap" : AlphaSouthOfferedItem,
                reply = prefix == "bravo" ? "bravo no thanks" : AlphaSouthReplyQuote,
                purchase = prefix == "bravo" ? "bravo purchase" : AlphaSouthPurchaseQuote,
            });
        }

        // The job queue has no tenant column: these belong to Alpha through their dialogues. Bravo has a dead job of the
        // same kind, so Bravo's admin retrying "all of the kind" has something of its own to touch.
        const string job = "INSERT INTO jobs (kind, payload, dedup_key, status, attempts, last_error, wait_reason) VALUES (@kind, jsonb_build_object('dialogueId', @dialogue), @dialogue, @status, 5, @error, @wait) RETURNING job_id";
        t.AlphaNorthJob = await c.ExecuteScalarAsync<long>(job, new { kind = "analyze", dialogue = t.AlphaNorthDialogue.ToString(), status = "waiting", error = (string?)null, wait = "no analyzer configured" });
        t.AlphaSouthJob = await c.ExecuteScalarAsync<long>(job, new { kind = "transcribe", dialogue = t.AlphaSouthDialogue.ToString(), status = "dead", error = AlphaSouthJobError, wait = (string?)null });
        await c.ExecuteAsync(job, new { kind = "transcribe", dialogue = t.BravoDialogue.ToString(), status = "dead", error = "bravo own failure", wait = (string?)null });

        // Alerts as the fleet service's evaluator writes them, a threshold override, a channel with its secret (which the
        // dashboard's role may never read) and a delivery, so every /api/alerts route has something of Alpha's to leak.
        const string alert = """
            INSERT INTO alerts (tenant_id, branch_id, device_id, rule, subject, severity, summary, first_seen_at, last_seen_at)
            VALUES (@tenant, @branch, @device, @rule, coalesce(@device, 'transcribe'), 'critical', @summary, now(), now()) RETURNING alert_id
            """;
        t.AlphaNorthAlert = await c.ExecuteScalarAsync<long>(alert, new { tenant = Alpha, branch = AlphaNorth, device = AlphaNorthDevice, rule = "device-offline", summary = "alpha north till offline" });
        t.AlphaSouthAlert = await c.ExecuteScalarAsync<long>(alert, new { tenant = Alpha, branch = AlphaSouth, device = AlphaSouthDevice, rule = "spool-free-low", summary = AlphaSouthAlertSummary });
        t.AlphaTenantWideAlert = await c.ExecuteScalarAsync<long>(alert, new { tenant = Alpha, branch = (string?)null, device = (string?)null, rule = "dead-jobs", summary = AlphaTenantWideAlertSummary });
        await c.ExecuteAsync(alert, new { tenant = Bravo, branch = BravoMain, device = BravoDevice, rule = "device-offline", summary = "bravo desk offline" });
        t.AlphaChannel = await c.ExecuteScalarAsync<long>(
            "INSERT INTO alert_channels (tenant_id, kind, name, url, template, secret) VALUES (@Alpha, 'webhook', @AlphaChannelName, @AlphaChannelUrl, 'slack', @AlphaChannelSecret) RETURNING channel_id",
            new { Alpha, AlphaChannelName, AlphaChannelUrl, AlphaChannelSecret });
        await c.ExecuteAsync(
            """
            INSERT INTO alert_rule_settings (tenant_id, rule, enabled, threshold) VALUES (@Alpha, 'backlog-mb', true, 321);
            INSERT INTO alert_deliveries (alert_id, tenant_id, channel_id, event, status, attempts, last_error) VALUES (@south, @Alpha, @channel, 'opened', 'dead', 8, 'alpha receiver refused');
            """,
            new { Alpha, south = t.AlphaSouthAlert, channel = t.AlphaChannel });

        // A scheduled report of Alpha's south branch, owned by Alpha's all-branch admin (migration 0066).
        t.AlphaSubscription = await c.ExecuteScalarAsync<long>(
            "INSERT INTO report_subscriptions (tenant_id, user_id, cadence, format, branch_id, created_at) VALUES (@Alpha, @user, 'weekly', 'pdf', @AlphaSouth, now()) RETURNING subscription_id",
            new { Alpha, user = t.UserIds[AlphaAdmin], AlphaSouth });

        // Health and connection history as the fleet service's DeviceHealthWriter stores them.
        await c.ExecuteAsync(
            """
            INSERT INTO device_health (device_id, tenant_id, state, state_at, state_received_at, reconnect_reason, agent_version, telemetry, telemetry_at, telemetry_received_at) VALUES
                ('alpha-till-north', 'alpha-co', 'online', now(), now(), 'first-connect', '1.0.0', jsonb_build_object('micName', @AlphaNorthMic, 'mic', 'streaming', 'outboxDepth', 3), now(), now()),
                ('alpha-till-south', 'alpha-co', 'online', now(), now(), @AlphaSouthReconnect, '1.0.0', jsonb_build_object('micName', @AlphaSouthMic, 'mic', 'streaming', 'outboxDepth', 5), now(), now()),
                ('bravo-desk', 'bravo-co', 'online', now(), now(), 'first-connect', '1.0.0', jsonb_build_object('micName', 'bravo own mic', 'mic', 'present'), now(), now());
            INSERT INTO device_events (device_id, tenant_id, at, kind, reason) VALUES
                ('alpha-till-north', 'alpha-co', now(), 'online', 'first-connect'),
                ('alpha-till-south', 'alpha-co', now(), 'online', @AlphaSouthReconnect);
            """,
            new { AlphaNorthMic, AlphaSouthMic, AlphaSouthReconnect });
        return t;
    }

    /// <summary>The chunk's file only has to exist: these probes are about who may fetch it, not what it sounds like.</summary>
    private static async Task ChunkAndDialogueAsync(NpgsqlConnection c, string storageRoot, Guid chunkId, Guid dialogueId, string tenant, string branch, string device, string transaction, string transcript)
    {
        var relative = Path.Combine("recordings", Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), device, chunkId + ".opus");
        var full = Path.Combine(storageRoot, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllTextAsync(full, "OggS audio of " + device);
        var started = Day.AddHours(13);
        await c.ExecuteAsync(
            """
            INSERT INTO chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec, byte_length, sha256, transaction_id, storage_path, bridge_id)
            VALUES (@chunkId, @tenant, @device, 1, @started, 8000, 16000, 'ogg/opus', 20, repeat('0', 64), @transaction, @relative, 'probe');
            INSERT INTO dialogues (dialogue_id, tenant_id, branch_id, device_id, operator_id, started_at, ended_at, speech_ms, status)
            VALUES (@dialogueId, @tenant, @branch, @device, 'op-' || @device, @started, @started + interval '8 seconds', 8000, 'analyzed');
            INSERT INTO dialogue_segments (chunk_id, start_ms, end_ms, dialogue_id, started_at, offset_ms) VALUES (@chunkId, 0, 8000, @dialogueId, @started, 0);
            INSERT INTO transcripts (dialogue_id, engine, language, text, utterances)
            VALUES (@dialogueId, 'whisper', 'en', @transcript, jsonb_build_array(jsonb_build_object('startMs', 0, 'endMs', 8000, 'text', @transcript)));
            INSERT INTO analyses (dialogue_id, engine, upsell_attempted, offered_categories, customer_reaction, checklist, sentiment, sentiment_score, quality_score, summary, evidence)
            VALUES (@dialogueId, 'rules', true, '{warranty}', 'accepted', '[]', 'positive', 0.5, 80, @transcript, '[]');
            """,
            new { chunkId, dialogueId, tenant, branch, device, transaction, relative, started, transcript });
    }
}
