using Dapper;
using Iot.Cloud.Pipeline.Dialogues;
using Iot.Cloud.Pipeline.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class WaitingJobReviverTests
{
    [Fact]
    public async Task Jobs_waiting_for_an_engine_or_a_language_are_queued_again_and_deleted_dialogues_stay_parked()
    {
        await using var rig = await QueueRig.CreateAsync();
        var transcriber = await rig.EnqueueAsync(JobKinds.Transcribe, dedupKey: "a");
        var language = await rig.EnqueueAsync(JobKinds.Transcribe, dedupKey: "b");
        var deleted = await rig.EnqueueAsync(JobKinds.Analyze, dedupKey: "c");
        var other = await rig.EnqueueAsync("build-dialogues", dedupKey: "d");
        await using (var c = await rig.DataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync(
                """
                UPDATE jobs SET status = 'waiting', wait_reason = 'no transcriber configured: engine none' WHERE job_id = @transcriber;
                UPDATE jobs SET status = 'waiting', wait_reason = 'no transcriber for ru: engine ''pocketsphinx'' has no model for it' WHERE job_id = @language;
                UPDATE jobs SET status = 'waiting', wait_reason = @reason WHERE job_id = @deleted;
                UPDATE jobs SET status = 'waiting', wait_reason = 'something else' WHERE job_id = @other;
                """,
                new { transcriber, language, deleted, other, reason = DeletedDialogue.WaitReason });
        }

        var reviver = new WaitingJobReviver(rig.Queue, Options.Create(new JobWorkerOptions()), TimeProvider.System, NullLogger<WaitingJobReviver>.Instance);
        await reviver.ReviveAsync(CancellationToken.None);

        await using var read = await rig.DataSource.OpenConnectionAsync();
        var states = (await read.QueryAsync<(long Id, string Status, string? Reason)>("SELECT job_id, status, wait_reason FROM jobs")).ToDictionary(r => r.Id);
        Assert.Equal(("queued", null), (states[transcriber].Status, states[transcriber].Reason));
        Assert.Equal("queued", states[language].Status);
        Assert.Equal(("waiting", DeletedDialogue.WaitReason), (states[deleted].Status, states[deleted].Reason));
        Assert.Equal("waiting", states[other].Status);
    }
}
