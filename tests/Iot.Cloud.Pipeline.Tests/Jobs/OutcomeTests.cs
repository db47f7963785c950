using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Jobs;
using Iot.TestSupport;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class OutcomeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Failing_attempts_back_off_then_the_job_goes_dead_keeping_the_last_error_and_the_raw_reply()
    {
        await using var rig = await QueueRig.CreateAsync();
        var calls = 0;
        var handler = new TestHandler("analyze", rig.DataSource, (job, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("analysis failed", new MalformedReplyException($"reply is not JSON (attempt {job.Attempt})", "{oops " + job.Attempt));
        });
        var id = await rig.EnqueueAsync("analyze", maxAttempts: 3);
        await rig.StartWorkerAsync("w", o => (o.RetryBaseSeconds, o.RetryMaxSeconds) = (0.3, 2), handler);

        await rig.WaitForStatusAsync(id, "dead", Timeout);

        var row = await rig.JobAsync(id);
        Assert.Equal(3, calls);
        Assert.Equal(3, row.Attempts);
        Assert.Equal("InvalidOperationException: analysis failed", row.LastError);
        Assert.Equal("{oops 3", row.RawReply);
        Assert.Null(row.LockedBy);
        Assert.Equal(3, rig.Metrics.Snapshot().Failed);
        Assert.Equal(1, rig.Metrics.Snapshot().Dead);
    }

    [Fact]
    public async Task A_failed_attempt_is_queued_again_only_after_its_backoff()
    {
        await using var rig = await QueueRig.CreateAsync();
        var id = await rig.EnqueueAsync("k", maxAttempts: 5);
        var job = Assert.Single(await rig.Queue.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), null, CancellationToken.None));

        Assert.Equal(FailureResult.WillRetry, await rig.Queue.FailAsync(job, "w", "boom", null, TimeSpan.FromSeconds(30), CancellationToken.None));

        var row = await rig.JobAsync(id);
        Assert.Equal(("queued", 1, "boom"), (row.Status, row.Attempts, row.LastError));
        Assert.InRange(row.RunAfterInSeconds, 25, 30);
        Assert.Empty(await rig.Queue.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), null, CancellationToken.None));
    }

    [Theory]
    [InlineData(1, 0.0, 5)]
    [InlineData(1, 0.999, 10)]
    [InlineData(3, 0.0, 20)]
    [InlineData(3, 0.999, 40)]
    [InlineData(20, 0.0, 300)]
    public void Backoff_doubles_per_attempt_within_half_to_full_of_the_nominal_delay_and_stops_at_the_cap(int attempt, double jitter, double expectedSeconds)
    {
        var delay = JobBackoff.Delay(attempt, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(10), jitter);

        Assert.Equal(expectedSeconds, delay.TotalSeconds, 0.1);
    }

    [Fact]
    public async Task A_waiting_job_keeps_its_reason_costs_no_attempt_and_runs_again_when_resumed()
    {
        await using var rig = await QueueRig.CreateAsync();
        var configured = false;
        var handler = new TestHandler("transcribe", rig.DataSource, (_, _) => Task.FromResult(Volatile.Read(ref configured) ? JobOutcome.Done : JobOutcome.Wait("no transcriber configured")));
        var id = await rig.EnqueueAsync("transcribe");
        await rig.StartWorkerAsync("w", null, handler);

        await rig.WaitForStatusAsync(id, "waiting", Timeout);
        var waiting = await rig.JobAsync(id);
        Assert.Equal(("no transcriber configured", 0, null), (waiting.WaitReason, waiting.Attempts, waiting.LockedBy));
        await Task.Delay(1000);
        Assert.Equal("waiting", (await rig.JobAsync(id)).Status);

        Volatile.Write(ref configured, true);
        Assert.Equal(1, await rig.Queue.ResumeWaitingAsync("transcribe", CancellationToken.None));

        await rig.WaitForStatusAsync(id, "done", Timeout);
        Assert.Null((await rig.JobAsync(id)).WaitReason);
        Assert.Equal(2, await rig.CountAsync("SELECT count(*) FROM test_side_effects WHERE job_id = @id", new { id }));
    }

    [Fact]
    public async Task A_deferred_job_goes_back_to_the_queue_for_later_without_counting_the_attempt()
    {
        await using var rig = await QueueRig.CreateAsync();
        var handler = new TestHandler("build-dialogues", rig.DataSource, (_, _) => Task.FromResult(JobOutcome.RetryAfter(TimeSpan.FromMinutes(2))));
        var id = await rig.EnqueueAsync("build-dialogues");
        await rig.StartWorkerAsync("w", null, handler);

        // The worker counts the deferral just after it commits the row: wait for both, a loaded machine can part them.
        await Eventually.WaitAsync(
            async () => await rig.CountAsync("SELECT count(*) FROM test_side_effects") == 1 && (await rig.JobAsync(id)).Status == "queued" && rig.Metrics.Snapshot().Deferred >= 1,
            Timeout,
            "job deferred");

        var row = await rig.JobAsync(id);
        Assert.Equal(0, row.Attempts);
        Assert.InRange(row.RunAfterInSeconds, 100, 120);
        Assert.Equal(1, rig.Metrics.Snapshot().Deferred);
    }

    [Fact]
    public async Task A_job_of_a_kind_without_handler_is_dead_lettered_with_a_clear_error_by_a_worker_taking_every_kind()
    {
        await using var rig = await QueueRig.CreateAsync();
        var id = await rig.EnqueueAsync("mystery");
        await rig.StartWorkerAsync("sweeper", o => o.Kinds = ["*"], new TestHandler("known", rig.DataSource));

        await rig.WaitForStatusAsync(id, "dead", Timeout);

        var row = await rig.JobAsync(id);
        Assert.StartsWith("no handler registered for job kind 'mystery' on worker sweeper (handlers: known)", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_with_default_kinds_leaves_jobs_it_has_no_handler_for_to_other_workers()
    {
        await using var rig = await QueueRig.CreateAsync();
        var foreign = await rig.EnqueueAsync("transcribe");
        var mine = await rig.EnqueueAsync("known");
        await rig.StartWorkerAsync("w", null, new TestHandler("known", rig.DataSource));

        await rig.WaitForStatusAsync(mine, "done", Timeout);
        await Task.Delay(500);

        Assert.Equal(("queued", 0), ((await rig.JobAsync(foreign)).Status, (await rig.JobAsync(foreign)).Attempts));
    }
}
