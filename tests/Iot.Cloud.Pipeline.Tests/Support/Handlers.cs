using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Audio;
using Iot.Cloud.Pipeline.Dialogues;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Retention;
using Iot.Cloud.Storage;
using Iot.Cloud.Storage.Local;
using Iot.Cloud.Pipeline.Transcription;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Options = Microsoft.Extensions.Options.Options;

namespace Iot.Cloud.Pipeline.Tests.Support;

/// <summary>The handlers wired by hand around one test database and a fake clock.</summary>
internal sealed class Handlers(PipelineDatabase db, FakeTimeProvider time, DialogueOptions? dialogueOptions = null, string storageRoot = "/tmp/iot-pipeline-unused", IAudioStore? store = null)
{
    public DialogueOptions DialogueOptions { get; } = dialogueOptions ?? new DialogueOptions();

    public PipelineMetrics Metrics { get; } = new();

    public TranscriptionOptions Transcription { get; } = new();

    public BuildDialoguesHandler Builder() =>
        new(db.DataSource, db.Queue, Options.Create(DialogueOptions), time, NullLogger<BuildDialoguesHandler>.Instance);

    public TranscribeHandler Transcribe(params ITranscriber[] transcribers) =>
        new(db.DataSource, db.Queue, transcribers, new DialogueAudioAssembler(Storage), Options.Create(DialogueOptions), Options.Create(Transcription), time, NullLogger<TranscribeHandler>.Instance);

    public AnalyzeHandler Analyze(IAnalyzer? analyzer, AnalysisProfile? defaultProfile) =>
        new(db.DataSource, analyzer is null ? [] : [analyzer], defaultProfile is null ? [] : [defaultProfile], new EvidenceVerifier(Metrics), time, NullLogger<AnalyzeHandler>.Instance);

    public ReanalyzeHandler Reanalyze(IAnalyzer analyzer, AnalysisProfile? defaultProfile) =>
        new(db.DataSource, [analyzer], defaultProfile is null ? [] : [defaultProfile], new EvidenceVerifier(Metrics), time, NullLogger<ReanalyzeHandler>.Instance);

    public RetentionHandler Retention(int defaultDays = 90) =>
        new(db.DataSource, Options.Create(new RetentionOptions { AudioRetentionDays = defaultDays }), Storage, time, NullLogger<RetentionHandler>.Instance);

    /// <summary>The audio store: <paramref name="store"/>, else the local one the bridge would have written under <c>storageRoot</c>.</summary>
    public IAudioStore Storage { get; } = store ?? new LocalAudioStore(storageRoot, "pipeline-tests");

    public static ClaimedJob Job(string kind, string payload) => new(1, kind, payload, 1, 5, null);

    public async Task<JobOutcome> BuildAsync(string deviceId = PipelineDatabase.Device) =>
        await Builder().HandleAsync(Job(JobKinds.BuildDialogues, PipelinePayloads.Device(deviceId)), CancellationToken.None);
}
