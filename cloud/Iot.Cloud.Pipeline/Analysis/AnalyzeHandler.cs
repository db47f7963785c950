using Iot.Cloud.Pipeline.Dialogues;
using Iot.Cloud.Pipeline.Jobs;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// <c>analyze</c> ({"dialogueId":"..."}): runs the configured <see cref="IAnalyzer"/> (the last registered) with the
/// tenant's profile (tenant_settings.analysis_profile, else the <see cref="AnalysisProfile"/> registered in DI),
/// keeps only verbatim evidence and stores the result with the engine version and the profile version (0 = the
/// default). A <see cref="MalformedReplyException"/> propagates so the
/// queue retries and finally dead-letters the job with the raw reply.
/// </summary>
public sealed partial class AnalyzeHandler(
    NpgsqlDataSource dataSource,
    IEnumerable<IAnalyzer> analyzers,
    IEnumerable<AnalysisProfile> defaultProfiles,
    EvidenceVerifier verifier,
    TimeProvider time,
    ILogger<AnalyzeHandler> logger) : IJobHandler
{
    private readonly IAnalyzer? _analyzer = analyzers.LastOrDefault();
    private readonly AnalysisProfile? _defaultProfile = defaultProfiles.LastOrDefault();

    public string Kind => JobKinds.Analyze;

    public async Task<JobOutcome> HandleAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        var dialogueId = PipelinePayloads.ReadDialogueId(job.Payload);
        DialogueForAnalysis? dialogue;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            dialogue = await AnalysisStore.LoadAsync(connection, dialogueId, cancellationToken).ConfigureAwait(false);
        }

        if (dialogue?.Transcript is null || dialogue.Status != "transcribed")
        {
            LogNothingToDo(dialogueId, dialogue?.Status ?? "missing");
            return JobOutcome.Done;
        }

        if (dialogue.Deleted)
        {
            // A deleted conversation is not analysed (an LLM engine would send it out); restoring it resumes this job.
            return JobOutcome.Wait(DeletedDialogue.WaitReason);
        }

        if (_analyzer is null)
        {
            return JobOutcome.Wait("no analyzer configured");
        }

        var profile = dialogue.TenantProfile ?? _defaultProfile;
        var profileVersion = dialogue.TenantProfile is null ? 0 : dialogue.ProfileVersion;
        if (profile is null)
        {
            return JobOutcome.Wait($"no analysis profile: tenant '{dialogue.TenantId}' has none and no default is configured");
        }

        var result = await _analyzer.AnalyzeAsync(new AnalysisInput(dialogue.TenantId, dialogue.Transcript, profile), cancellationToken).ConfigureAwait(false);
        var verified = verifier.Verify(result, dialogue.Transcript.Text);
        if (verified.DroppedQuotes > 0)
        {
            LogDropped(dialogueId, _analyzer.Engine, verified.DroppedQuotes);
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (await DialogueStore.LockStatusAsync(connection, tx, dialogueId, cancellationToken).ConfigureAwait(false) != "transcribed")
            {
                return JobOutcome.Done;
            }

            await AnalysisStore.SaveAsync(connection, tx, dialogueId, result.EngineVersion ?? _analyzer.Engine, profileVersion, verified, time.GetUtcNow().UtcDateTime, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return JobOutcome.Done;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "analyze: dialogue {DialogueId} is {Status}; nothing to do")]
    private partial void LogNothingToDo(Guid dialogueId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "analyze: dialogue {DialogueId}: {Dropped} evidence quote(s) from {Engine} are not verbatim in the transcript and were dropped")]
    private partial void LogDropped(Guid dialogueId, string engine, int dropped);
}
