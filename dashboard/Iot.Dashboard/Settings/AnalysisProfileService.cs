using System.Globalization;
using System.Text.Json;
using Dapper;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Dashboard.Data;

namespace Iot.Dashboard.Settings;

/// <param name="Version">0 = the built-in default (the tenant never saved one).</param>
public sealed record ProfileView(int Version, JsonElement Profile, string? Author, DateTime? CreatedAt, string? Note, string EngineVersion);

public sealed class ProfileVersionSummary
{
    public int Version { get; init; }
    public string Author { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public string? Note { get; init; }
}

/// <param name="Profile">The profile as JSON (the shape of <see cref="AnalysisProfile"/>).</param>
/// <param name="BaseVersion">The version the edit started from; if another version was saved since, the save is refused (409).</param>
public sealed record ProfileSaveRequest(JsonElement Profile, string? Note, int? BaseVersion);

/// <param name="Profile">A draft to try instead of the tenant's current profile.</param>
public sealed record ProfileTryRequest(string Language, string Text, JsonElement? Profile);

public sealed record TryResponse(
    string EngineVersion, int? ProfileVersion, string Language, bool UpsellAttempted, IReadOnlyList<string> OfferedCategories,
    string CustomerReaction, string Sentiment, double SentimentScore, int QualityScore, string Summary,
    IReadOnlyList<EvidenceQuote> Evidence, IReadOnlyList<FiredFrame> Frames, IReadOnlyList<ChecklistOutcome> Checklist, string Text);

/// <summary>Saved (<see cref="Version"/>), refused with errors keyed by field, or refused because another version came first.</summary>
public sealed record ProfileSaveOutcome(int? Version, Dictionary<string, string[]> Errors, int? ConflictWith);

/// <summary>
/// The tenant's analysis profile as numbered versions (analysis_profile_versions, migration 0052). Saving validates with
/// the pipeline's own <see cref="AnalysisProfile.FromJson"/> (the validator names the bad entry), stores the next
/// version, points tenant_settings.analysis_profile (what the pipeline reads) at it, and audits, in one transaction.
/// </summary>
public sealed class AnalysisProfileService(TenantDb db, TimeProvider time)
{
    public const int MaxProfileBytes = 256 * 1024;
    public const int MaxNoteChars = 500;

    public async Task<ProfileView> GetCurrentAsync(CancellationToken ct)
    {
        var row = await db.QuerySingleAsync<VersionRow>(
            """
            SELECT v.version AS Version, v.profile::text AS Profile, v.author AS Author, v.created_at AS CreatedAt, v.note AS Note
            FROM tenant_settings s JOIN analysis_profile_versions v ON v.tenant_id = s.tenant_id AND v.version = s.analysis_profile_version
            """,
            null,
            ct).ConfigureAwait(false);
        return row is null
            ? new ProfileView(0, Parse(BuiltInProfiles.Default.ToJson()), null, null, "built-in default", ProfileTrial.EngineVersion)
            : new ProfileView(row.Version, Parse(row.Profile), row.Author, row.CreatedAt, row.Note, ProfileTrial.EngineVersion);
    }

    public Task<IReadOnlyList<ProfileVersionSummary>> ListVersionsAsync(CancellationToken ct) =>
        db.QueryAsync<ProfileVersionSummary>(
            "SELECT version AS Version, author AS Author, created_at AS CreatedAt, note AS Note FROM analysis_profile_versions ORDER BY version DESC LIMIT 100",
            null,
            ct);

    /// <summary>The current profile to analyse with, and its version (0 = built-in).</summary>
    public async Task<(AnalysisProfile Profile, int Version)> CurrentProfileAsync(CancellationToken ct)
    {
        var current = await GetCurrentAsync(ct).ConfigureAwait(false);
        return current.Version == 0 ? (BuiltInProfiles.Default, 0) : (AnalysisProfile.FromJson(current.Profile.GetRawText()), current.Version);
    }

    /// <summary>Null and the validator's problems when the JSON is not a valid profile.</summary>
    public static AnalysisProfile? Validate(JsonElement json, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors["profile"] = ["profile must be a JSON object with 'languages' and 'checklist'"];
            return null;
        }

        try
        {
            return AnalysisProfile.FromJson(json.GetRawText());
        }
        catch (JsonException ex)
        {
            // FromJson joins the validator's entries with "; " after this prefix: shown one per line.
            const string prefix = "invalid analysis profile: ";
            errors["profile"] = ex.Message.StartsWith(prefix, StringComparison.Ordinal)
                ? ex.Message[prefix.Length..].Split("; ", StringSplitOptions.RemoveEmptyEntries)
                : [ex.Message];
            return null;
        }
    }

    public async Task<ProfileSaveOutcome> SaveAsync(ProfileSaveRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var profile = Validate(request.Profile, out var errors);
        if (request.Note is { Length: > MaxNoteChars })
        {
            errors["note"] = [$"note must be at most {MaxNoteChars} characters"];
        }

        if (profile is null || errors.Count > 0)
        {
            return new ProfileSaveOutcome(null, errors, null);
        }

        // Stored as the pipeline will read it back: normalised, so what is shown later is exactly what runs.
        var json = profile.ToJson();
        return await db.RunAsync(
            async (c, tx) =>
            {
                var tenant = db.Scope.TenantId;
                await c.ExecuteAsync(new CommandDefinition("INSERT INTO tenant_settings (tenant_id) VALUES (@tenant) ON CONFLICT (tenant_id) DO NOTHING", new { tenant }, tx, cancellationToken: ct)).ConfigureAwait(false);

                // The settings row lock orders concurrent saves: each sees the version the one before it wrote.
                var current = await c.ExecuteScalarAsync<int?>(new CommandDefinition("SELECT analysis_profile_version FROM tenant_settings FOR UPDATE", null, tx, cancellationToken: ct)).ConfigureAwait(false) ?? 0;
                if (request.BaseVersion is { } baseVersion && baseVersion != current)
                {
                    return new ProfileSaveOutcome(null, errors, current);
                }

                var next = await c.ExecuteScalarAsync<int>(new CommandDefinition("SELECT coalesce(max(version), 0) + 1 FROM analysis_profile_versions", null, tx, cancellationToken: ct)).ConfigureAwait(false);
                var now = time.GetUtcNow();
                await c.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO analysis_profile_versions (tenant_id, version, profile, author, note, created_at) VALUES (@tenant, @next, @json::jsonb, @actor, @note, @now);
                    UPDATE tenant_settings SET analysis_profile = @json::jsonb, analysis_profile_version = @next, updated_at = @now;
                    """,
                    new { tenant, next, json, actor = db.Scope.Actor, note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(), now },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                await AuditLog.WriteAsync(c, tx, new AuditEntry(AuditActions.AnalysisProfileSaved, $"analysis_profile_versions/{next}", new Dictionary<string, string?>
                {
                    ["version"] = next.ToString(CultureInfo.InvariantCulture),
                    ["previous"] = current.ToString(CultureInfo.InvariantCulture),
                    ["note"] = request.Note,
                    ["languages"] = string.Join(",", profile.Languages.Keys.Order(StringComparer.Ordinal)),
                }).For(tenant, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                return new ProfileSaveOutcome(next, errors, null);
            },
            ct).ConfigureAwait(false);
    }

    /// <summary>Runs the rule engine on pasted text with the draft (if given) or the current profile.</summary>
    /// <returns>The result, or the problems (bad draft, unknown language, text too long) keyed by field.</returns>
    public async Task<(TryResponse? Result, Dictionary<string, string[]> Errors)> TryAsync(ProfileTryRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        AnalysisProfile profile;
        int? version = null;
        if (request.Profile is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } draft)
        {
            if (Validate(draft, out var errors) is not { } valid)
            {
                return (null, errors);
            }

            profile = valid;
        }
        else
        {
            (profile, var current) = await CurrentProfileAsync(ct).ConfigureAwait(false);
            version = current;
        }

        TrialResult trial;
        try
        {
            trial = ProfileTrial.Run(profile, request.Language, request.Text ?? "");
        }
        catch (ArgumentException ex)
        {
            return (null, new Dictionary<string, string[]>(StringComparer.Ordinal) { [ex.ParamName ?? "text"] = [ex.Message.Split(" (Parameter", 2)[0]] });
        }

        var r = trial.Result;
        return (new TryResponse(
            r.EngineVersion ?? ProfileTrial.EngineVersion, version, request.Language, r.UpsellAttempted, r.OfferedCategories,
            r.CustomerReaction.ToString().ToLowerInvariant(), r.Sentiment.ToString().ToLowerInvariant(), r.SentimentScore, r.QualityScore,
            r.Summary, r.Evidence, trial.Frames, r.Checklist, trial.Text), []);
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private sealed class VersionRow
    {
        public int Version { get; init; }
        public string Profile { get; init; } = "";
        public string Author { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public string? Note { get; init; }
    }
}
