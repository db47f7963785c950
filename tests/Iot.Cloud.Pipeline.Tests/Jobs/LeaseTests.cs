using System.Diagnostics;
using Iot.Cloud.Pipeline.Jobs;
using Iot.TestSupport;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class LeaseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_job_whose_worker_vanished_is_retried_by_another_worker_once_the_lease_expires()
    {
        await using var rig = await QueueRig.CreateAsync();
        var id = await rig.EnqueueAsync("k");
        // A worker that claims and then is never heard of again.
        Assert.Single(await rig.Queue.ClaimAsync("ghost", 1, TimeSpan.FromSeconds(2), null, CancellationToken.None));
        var clock = Stopwatch.StartNew();

        await rig.StartWorkerAsync("rescuer", o => o.LeaseSeconds = 1, new TestHandler("k", rig.DataSource));
        await rig.WaitForStatusAsync(id, "done", Timeout);

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"retried after {clock.Elapsed} although the lease was 2 s");
        Assert.Equal(2, (await rig.JobAsync(id)).Attempts);
        Assert.Equal(1, await rig.CountAsync("SELECT count(*) FROM test_side_effects"));
        Assert.Equal(1, rig.Metrics.Snapshot().Reaped);
    }

    [Fact]
    public async Task A_vanished_workers_job_on_its_last_attempt_goes_dead_instead_of_looping()
    {
        await using var rig = await QueueRig.CreateAsync();
        var id = await rig.EnqueueAsync("k", maxAttempts: 1);
        Assert.Single(await rig.Queue.ClaimAsync("ghost", 1, TimeSpan.FromMilliseconds(200), null, CancellationToken.None));
        await Task.Delay(400);

        var reaped = Assert.Single(await rig.Queue.ReapExpiredAsync(10, CancellationToken.None));

        Assert.True(reaped.Dead);
        var row = await rig.JobAsync(id);
        Assert.Equal("dead", row.Status);
        Assert.Equal("lease expired while held by ghost (worker crashed or stalled)", row.LastError);
    }

    [Fact]
    public async Task A_job_running_longer_than_its_lease_keeps_it_by_heartbeat_and_runs_once_while_other_workers_watch()
    {
        await using var rig = await QueueRig.CreateAsync();
        var slow = new TestHandler("k", rig.DataSource, async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(6), ct);
            return JobOutcome.Done;
        });
        await rig.StartWorkerAsync("a", o => o.LeaseSeconds = 2, slow);
        await rig.StartWorkerAsync("b", o => o.LeaseSeconds = 2, slow);
        var id = await rig.EnqueueAsync("k");

        await rig.WaitForStatusAsync(id, "done", Timeout);

        Assert.Equal(1, (await rig.JobAsync(id)).Attempts);
        Assert.Equal(1, await rig.CountAsync("SELECT count(*) FROM test_side_effects"));
        Assert.Equal(0, rig.Metrics.Snapshot().Reaped);
        Assert.Equal(0, rig.Metrics.Snapshot().LeaseLost);
    }

    [Fact]
    public async Task A_stopping_worker_gives_a_job_that_outlives_the_drain_back_to_the_queue_without_counting_the_attempt()
    {
        await using var rig = await QueueRig.CreateAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var endless = new TestHandler("k", rig.DataSource, async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(System.Threading.Timeout.Infinite, ct);
            return JobOutcome.Done;
        });
        var worker = await rig.StartWorkerAsync("w", o => o.DrainSeconds = 0.3, endless);
        var id = await rig.EnqueueAsync("k");
        await started.Task.WaitAsync(Timeout);

        await worker.StopAsync(CancellationToken.None);

        var row = await rig.JobAsync(id);
        Assert.Equal(("queued", 0, null), (row.Status, row.Attempts, row.LockedBy));
        Assert.Equal(1, rig.Metrics.Snapshot().Released);
    }

    [Fact]
    public async Task A_stopping_worker_lets_a_job_that_ends_within_the_drain_finish()
    {
        await using var rig = await QueueRig.CreateAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var brief = new TestHandler("k", rig.DataSource, async (_, _) =>
        {
            started.TrySetResult();
            await Task.Delay(700, CancellationToken.None);
            return JobOutcome.Done;
        });
        var worker = await rig.StartWorkerAsync("w", o => o.DrainSeconds = 10, brief);
        var id = await rig.EnqueueAsync("k");
        await started.Task.WaitAsync(Timeout);

        await worker.StopAsync(CancellationToken.None);

        Assert.Equal("done", (await rig.JobAsync(id)).Status);
    }
}
