using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Iot.Cloud.Pipeline.Analysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Cloud.Pipeline.Transcription.Biasing;

/// <summary>
/// Tenants' analysis profiles for the recognisers, read from <c>tenant_settings.analysis_profile</c> at most once per
/// tenant every <c>Pipeline:Transcription:ProfileCacheSeconds</c> (TimeProvider clock). A tenant without a profile,
/// or with one that no longer parses, gets the default profile registered in DI: biasing is a help, never a reason
/// for transcription to fail.
/// </summary>
public sealed partial class TenantProfileCache(
    NpgsqlDataSource dataSource,
    IEnumerable<AnalysisProfile> defaultProfiles,
    IOptions<TranscriptionOptions> options,
    TimeProvider time,
    ILogger<TenantProfileCache> logger)
{
    private readonly ConcurrentDictionary<string, (AnalysisProfile? Profile, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);
    private readonly AnalysisProfile? _default = defaultProfiles.LastOrDefault();

    /// <summary>Database reads made so far (tests check that a cached tenant costs none).</summary>
    public int Reads => Volatile.Read(ref _reads);

    private int _reads;

    /// <summary>The hints for <paramref name="tenantId"/>'s dialogues, or null when neither the tenant nor DI has a profile.</summary>
    public async Task<RecognitionHints?> HintsAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var now = time.GetUtcNow();
        if (!_entries.TryGetValue(tenantId, out var entry) || entry.Expires <= now)
        {
            entry = (await LoadAsync(tenantId, cancellationToken).ConfigureAwait(false), now.AddSeconds(options.Value.ProfileCacheSeconds));
            _entries[tenantId] = entry;
        }

        var profile = entry.Profile ?? _default;
        return profile is null ? null : new RecognitionHints(tenantId, profile);
    }

    private async Task<AnalysisProfile?> LoadAsync(string tenantId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var json = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT analysis_profile::text FROM tenant_settings WHERE tenant_id = @tenantId",
            new { tenantId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (json is null)
        {
            return null;
        }

        try
        {
            return AnalysisProfile.FromJson(json);
        }
        catch (JsonException e)
        {
            LogBadProfile(e, tenantId);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "transcribe: tenant {TenantId}'s analysis profile does not parse; the recogniser gets the default profile's hints")]
    private partial void LogBadProfile(Exception exception, string tenantId);
}
