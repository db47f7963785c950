using Iot.Cloud.Pipeline.Audio;
using Iot.Cloud.Pipeline.Dialogues;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Transcription.Biasing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>
/// <c>transcribe</c> ({"dialogueId":"..."}): uses the devices' own transcripts when every chunk has one, otherwise the
/// configured <see cref="ITranscriber"/> (the last registered, if several). Without a usable engine, or without one
/// for the languages spoken at the device (<see cref="TranscriptionPlan"/>), the job waits with a reason instead of
/// storing a transcript in the wrong language, and is resumed when one is configured. A transcript the recogniser
/// was unsure of, or in a language nobody there speaks, is stored flagged (<see cref="TranscriptCheck"/>). With a
/// <see cref="TenantProfileCache"/> the engine also gets the tenant's profile as <see cref="RecognitionHints"/>
/// (Whisper prompt, PocketSphinx domain model).
/// </summary>
public sealed partial class TranscribeHandler(
    NpgsqlDataSource dataSource,
    IJobQueue queue,
    IEnumerable<ITranscriber> transcribers,
    DialogueAudioAssembler assembler,
    IOptions<DialogueOptions> options,
    IOptions<TranscriptionOptions> transcription,
    TimeProvider time,
    ILogger<TranscribeHandler> logger,
    TenantProfileCache? profiles = null) : IJobHandler
{
    private readonly ITranscriber? _transcriber = transcribers.LastOrDefault();

    public string Kind => JobKinds.Transcribe;

    public async Task<JobOutcome> HandleAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        var dialogueId = PipelinePayloads.ReadDialogueId(job.Payload);
        DialogueForTranscription? dialogue;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            dialogue = await TranscriptStore.LoadAsync(connection, dialogueId, cancellationToken).ConfigureAwait(false);
        }

        if (dialogue is null || dialogue.Status != "closed")
        {
            LogNothingToDo(dialogueId, dialogue?.Status ?? "missing");
            return JobOutcome.Done;
        }

        if (dialogue.Deleted)
        {
            // A deleted conversation is not sent to any engine; restoring it resumes this job (migration 0043).
            return JobOutcome.Wait(DeletedDialogue.WaitReason);
        }

        Transcript transcript;
        if (dialogue.DeviceTranscribed)
        {
            transcript = DeviceTranscriptMapper.Map(
                DialogueTimeline.Layout([.. dialogue.Segments.Select(s => s.Segment)], options.Value.PaddingMs), dialogue.DeviceTranscripts);
        }
        else
        {
            if (_transcriber is null)
            {
                return JobOutcome.Wait($"no transcriber configured: dialogue {dialogueId} has chunks without a device transcript");
            }

            var plan = TranscriptionPlan.For(_transcriber, dialogue.Spoken);
            if (plan.WaitReason is { } reason)
            {
                LogNoTranscriber(dialogueId, reason);
                return JobOutcome.Wait(reason);
            }

            var audio = await assembler.AssembleAsync(dialogue.Segments, options.Value.PaddingMs, cancellationToken).ConfigureAwait(false);
            try
            {
                var language = plan.Identify is { } candidates && _transcriber is ISpokenLanguageIdentifier identifier
                    ? await identifier.IdentifyAsync(audio, candidates, cancellationToken).ConfigureAwait(false)
                    : plan.Language;
                var hints = profiles is null ? null : await profiles.HintsAsync(dialogue.TenantId, cancellationToken).ConfigureAwait(false);
                transcript = await _transcriber.TranscribeAsync(audio, language, hints, cancellationToken).ConfigureAwait(false);
            }
            catch (TranscriberUnavailableException ex)
            {
                LogUnavailable(ex, _transcriber.Engine);
                return JobOutcome.Wait($"no transcriber configured: engine '{_transcriber.Engine}' unavailable: {ex.Message}");
            }
        }

        var flag = TranscriptCheck.Flag(transcript, dialogue.Spoken, transcription.Value.LowConfidenceBelow);
        if (flag is not null)
        {
            LogFlagged(dialogueId, flag);
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Another attempt may have finished meanwhile (lease expiry); the row lock makes the second one a no-op.
            if (await DialogueStore.LockStatusAsync(connection, tx, dialogueId, cancellationToken).ConfigureAwait(false) != "closed")
            {
                return JobOutcome.Done;
            }

            await TranscriptStore.SaveAsync(connection, tx, dialogueId, transcript, flag, time.GetUtcNow().UtcDateTime, cancellationToken).ConfigureAwait(false);
            await queue.EnqueueAsync(connection, tx, new JobRequest(
                JobKinds.Analyze, PipelinePayloads.Dialogue(dialogueId), dialogueId.ToString(), JobPriority.Fresh), cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        LogTranscribed(dialogueId, transcript.Engine, transcript.Utterances.Count);
        return JobOutcome.Done;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "transcribe: dialogue {DialogueId} is {Status}; nothing to do")]
    private partial void LogNothingToDo(Guid dialogueId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "transcribe: dialogue {DialogueId} waits: {Reason}")]
    private partial void LogNoTranscriber(Guid dialogueId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "transcribe: dialogue {DialogueId} transcript flagged: {Flag}")]
    private partial void LogFlagged(Guid dialogueId, string flag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "transcribe: engine {Engine} is unavailable; the job waits")]
    private partial void LogUnavailable(Exception exception, string engine);

    [LoggerMessage(Level = LogLevel.Information, Message = "transcribe: dialogue {DialogueId} transcribed by {Engine} ({Utterances} utterance(s))")]
    private partial void LogTranscribed(Guid dialogueId, string engine, int utterances);
}
