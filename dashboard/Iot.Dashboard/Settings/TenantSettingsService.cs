using Dapper;
using Iot.Dashboard.Data;
using Iot.Protocol.Messages;

namespace Iot.Dashboard.Settings;

public sealed class TenantSettingsView
{
    public string TimeZone { get; set; } = "Etc/UTC";
    public string? TranscriptionLanguage { get; set; }

    /// <summary>
    /// Languages the tenant's staff speak (issue 16 item 9): the default for branches and devices that set none.
    /// A form sends "ru, tr" as one value; it is split. Null = the single transcription language, else detect.
    /// </summary>
    public string[]? SpokenLanguages { get; set; }
    public int? AudioRetentionDays { get; set; }
    public int? DialogueGapSeconds { get; set; }
}

/// <summary>The tenant's knobs in tenant_settings (the pipeline reads them too). Changes are audited with old and new values.</summary>
public sealed class TenantSettingsService(TenantDb db, TimeProvider time)
{
    private const string Columns = """
        time_zone AS TimeZone, transcription_language AS TranscriptionLanguage, spoken_languages AS SpokenLanguages,
        audio_retention_days AS AudioRetentionDays, dialogue_gap_seconds AS DialogueGapSeconds
        """;

    public async Task<TenantSettingsView> GetAsync(CancellationToken ct) =>
        await db.QuerySingleAsync<TenantSettingsView>($"SELECT {Columns} FROM tenant_settings", null, ct).ConfigureAwait(false) ?? new TenantSettingsView();

    /// <summary>Problems keyed by field; empty = saved.</summary>
    public Task<Dictionary<string, string[]>> SaveAsync(TenantSettingsView s, CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
                var knownZone = await c.ExecuteScalarAsync<bool>(new CommandDefinition(
                    "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = @TimeZone)", s, tx, cancellationToken: ct)).ConfigureAwait(false);
                if (!knownZone)
                {
                    errors["timeZone"] = [$"'{s.TimeZone}' is not a time zone name PostgreSQL knows (e.g. Europe/Berlin)"];
                }

                if (s.TranscriptionLanguage is { Length: > 0 } lang && (lang.Length is < 2 or > 8 || !lang.All(char.IsAsciiLetterLower)))
                {
                    errors["transcriptionLanguage"] = ["transcriptionLanguage must be a lower-case language code such as 'en', or empty to detect"];
                }

                s.SpokenLanguages = SpokenLanguageCodes.Normalise(s.SpokenLanguages);
                if (SpokenLanguageCodes.Check(s.SpokenLanguages, "spokenLanguages") is { } spoken)
                {
                    errors["spokenLanguages"] = [spoken];
                }

                if (s.AudioRetentionDays is < 1 or > 3650)
                {
                    errors["audioRetentionDays"] = ["audioRetentionDays must be 1..3650, or empty to keep audio"];
                }

                if (s.DialogueGapSeconds is < 1 or > 3600)
                {
                    errors["dialogueGapSeconds"] = ["dialogueGapSeconds must be 1..3600, or empty for the default"];
                }

                if (errors.Count > 0)
                {
                    return errors;
                }

                var before = await c.QuerySingleOrDefaultAsync<TenantSettingsView>(new CommandDefinition($"SELECT {Columns} FROM tenant_settings", null, tx, cancellationToken: ct)).ConfigureAwait(false);
                await c.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO tenant_settings (tenant_id, time_zone, transcription_language, spoken_languages, audio_retention_days, dialogue_gap_seconds, updated_at)
                    VALUES (@tenant, @TimeZone, @language, @spoken, @AudioRetentionDays, @DialogueGapSeconds, @now)
                    ON CONFLICT (tenant_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, transcription_language = EXCLUDED.transcription_language,
                        spoken_languages = EXCLUDED.spoken_languages,
                        audio_retention_days = EXCLUDED.audio_retention_days, dialogue_gap_seconds = EXCLUDED.dialogue_gap_seconds, updated_at = EXCLUDED.updated_at
                    """,
                    new
                    {
                        tenant = db.Scope.TenantId, s.TimeZone, language = string.IsNullOrEmpty(s.TranscriptionLanguage) ? null : s.TranscriptionLanguage,
                        spoken = s.SpokenLanguages,
                        s.AudioRetentionDays, s.DialogueGapSeconds, now = time.GetUtcNow(),
                    },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                await AuditLog.WriteAsync(c, tx, new AuditEntry(AuditActions.SettingsChanged, "tenant_settings", new Dictionary<string, string?>
                {
                    ["before"] = before is null ? null : Describe(before),
                    ["after"] = Describe(s),
                }).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                return errors;
            },
            ct);

    private static string Describe(TenantSettingsView s) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"timeZone={s.TimeZone}; language={s.TranscriptionLanguage}; spoken={string.Join(',', s.SpokenLanguages ?? [])}; retentionDays={s.AudioRetentionDays}; gapSeconds={s.DialogueGapSeconds}");
}
