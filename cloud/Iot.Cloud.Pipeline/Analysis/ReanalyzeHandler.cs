using System.Text.Json;
using Iot.Cloud.Pipeline.Dialogues;
using Iot.Cloud.Pipeline.Jobs;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// <c>reanalyze</c> ({"dialogueId", "profileVersion", "runId"}): analyses a transcribed or analysed dialogue again with
/// the named version of its tenant's profile (0 = the default) and replaces the stored result, which then records that
/// version. Enqueued in bulk by the dashboard after a profile change (migration 0052, <c>iot_request_reanalysis</c>) at
/// backfill priority, so fresh dialogues keep going first. A result already made with a newer profile version is kept:
/// a slow backlog must not undo a later change.
/// </summary>
public sealed partial class ReanalyzeHandler(
    NpgsqlDataSource dataSource,
    IEnumerable<IAnalyzer> analyzers,
    IEnumerable<AnalysisProfile> defaultProfiles,
    EvidenceVerifier verifier,
    TimeProvider time,
    ILogger<ReanalyzeHandler> logger) : IJobHandler
{
    private readonly IAnalyzer? _analyzer = analyzers.LastOrDefault();
    private readonly AnalysisProfile? _defaultProfile = defaultProfiles.LastOrDefault();

    public string Kind => JobKinds.Reanalyze;

    public async Task<JobOutcome> HandleAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var dialogueId = PipelinePayloads.ReadDialogueId(job.Payload);
        var version = ReadVersion(job.Payload);
        if (_analyzer is null)
        {
            return JobOutcome.Wait("no analyzer configured");
        }

        DialogueForAnalysis? dialogue;
        AnalysisProfile? profile;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            dialogue = await AnalysisStore.LoadAsync(connection, dialogueId, cancellationToken).ConfigureAwait(false);
            profile = dialogue is null ? null
                : version == 0 ? _defaultProfile
                : await AnalysisStore.LoadVersionAsync(connection, dialogue.TenantId, version, cancellationToken).ConfigureAwait(false);
        }

        // Deleted, purged of text, or not yet transcribed (the fresh analyze job handles that one): nothing to redo.
        if (dialogue?.Transcript is null || dialogue.Deleted || dialogue.Status is not ("transcribed" or "analyzed"))
        {
            LogSkipped(dialogueId, version, dialogue?.Status ?? "missing");
            return JobOutcome.Done;
        }

        if (dialogue.StoredProfileVersion > version)
        {
            LogSkipped(dialogueId, version, $"already analysed with profile version {dialogue.StoredProfileVersion}");
            return JobOutcome.Done;
        }

        if (profile is null)
        {
            throw new JsonException($"reanalyze: tenant '{dialogue.TenantId}' has no analysis profile version {version}");
        }

        var result = await _analyzer.AnalyzeAsync(new AnalysisInput(dialogue.TenantId, dialogue.Transcript, profile), cancellationToken).ConfigureAwait(false);
        var verified = verifier.Verify(result, dialogue.Transcript.Text);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (await DialogueStore.LockStatusAsync(connection, tx, dialogueId, cancellationToken).ConfigureAwait(false) is not ("transcribed" or "analyzed"))
            {
                return JobOutcome.Done;
            }

            await AnalysisStore.SaveAsync(connection, tx, dialogueId, result.EngineVersion ?? _analyzer.Engine, version, verified, time.GetUtcNow().UtcDateTime, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return JobOutcome.Done;
    }

    private static int ReadVersion(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.TryGetProperty("profileVersion", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 0
            ? n
            : throw new JsonException($"job payload must have a non-negative integer 'profileVersion': {payload}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "reanalyze: dialogue {DialogueId} with profile version {Version} skipped: {Reason}")]
    private partial void LogSkipped(Guid dialogueId, int version, string reason);
}
