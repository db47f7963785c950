using Iot.Cloud.Pipeline.Jobs;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class EnqueueTests
{
    [Fact]
    public async Task A_second_enqueue_with_the_same_kind_and_dedup_key_is_refused_while_the_first_is_unfinished()
    {
        await using var rig = await QueueRig.CreateAsync();
        var q = rig.Queue;
        var ct = CancellationToken.None;

        Assert.True(await q.EnqueueAsync(new JobRequest("k", "{}", "dev-1"), ct));
        Assert.False(await q.EnqueueAsync(new JobRequest("k", "{}", "dev-1"), ct));
        Assert.True(await q.EnqueueAsync(new JobRequest("k", "{}", "dev-2"), ct));
        Assert.True(await q.EnqueueAsync(new JobRequest("other", "{}", "dev-1"), ct));
        Assert.True(await q.EnqueueAsync(new JobRequest("k", "{}"), ct));
        Assert.True(await q.EnqueueAsync(new JobRequest("k", "{}"), ct));
        Assert.Equal(5, await rig.CountAsync("SELECT count(*) FROM jobs"));

        foreach (var job in await q.ClaimAsync("w", 10, TimeSpan.FromMinutes(1), null, ct))
        {
            Assert.True(await q.CompleteAsync(job, "w", ct));
        }

        Assert.True(await q.EnqueueAsync(new JobRequest("k", "{}", "dev-1"), ct));
    }

    [Fact]
    public async Task Enqueueing_again_pulls_a_deferred_job_with_the_same_key_forward_and_raises_its_priority()
    {
        await using var rig = await QueueRig.CreateAsync();
        var ct = CancellationToken.None;
        await rig.Queue.EnqueueAsync(new JobRequest("k", "{}", "dev-1", JobPriority.Backfill, Delay: TimeSpan.FromMinutes(5)), ct);
        Assert.Empty(await rig.Queue.ClaimAsync("w", 10, TimeSpan.FromMinutes(1), null, ct));

        Assert.False(await rig.Queue.EnqueueAsync(new JobRequest("k", "{}", "dev-1", JobPriority.Fresh), ct));

        var claimed = Assert.Single(await rig.Queue.ClaimAsync("w", 10, TimeSpan.FromMinutes(1), null, ct));
        Assert.Equal(JobPriority.Fresh, await rig.CountAsync("SELECT priority FROM jobs WHERE job_id = @id", new { id = claimed.JobId }));
        Assert.Equal(1, await rig.CountAsync("SELECT count(*) FROM jobs"));
    }

    [Fact]
    public async Task Enqueueing_several_jobs_in_one_statement_follows_the_single_enqueue_rules_and_counts_the_new_ones()
    {
        await using var rig = await QueueRig.CreateAsync();
        var ct = CancellationToken.None;
        await rig.Queue.EnqueueAsync(new JobRequest("k", "{}", "dev-1", JobPriority.Backfill, Delay: TimeSpan.FromMinutes(5)), ct);
        await using var connection = await rig.DataSource.OpenConnectionAsync();

        var added = await rig.Queue.EnqueueAllAsync(connection, null,
        [
            new JobRequest("k", "{}", "dev-1", JobPriority.Fresh),
            new JobRequest("k", """{"d": 2}""", "dev-2", JobPriority.Normal, MaxAttempts: 7),
            new JobRequest("other", "{}", "dev-1", JobPriority.Backfill, Delay: TimeSpan.FromMinutes(5)),
        ], ct);

        // dev-1 existed (deferred): not new, but pulled forward and raised, as a single enqueue would.
        Assert.Equal(2, added);
        Assert.Equal(3, await rig.CountAsync("SELECT count(*) FROM jobs"));
        var claimed = await rig.Queue.ClaimAsync("w", 10, TimeSpan.FromMinutes(1), null, ct);
        Assert.Equal(new[] { "dev-1", "dev-2" }, claimed.Select(j => j.DedupKey!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(JobPriority.Fresh, await rig.CountAsync("SELECT priority FROM jobs WHERE kind = 'k' AND dedup_key = 'dev-1'"));
        Assert.Equal(7, await rig.CountAsync("SELECT max_attempts FROM jobs WHERE dedup_key = 'dev-2'"));
        Assert.Equal(1, await rig.CountAsync("SELECT count(*) FROM jobs WHERE kind = 'other' AND run_after > now() + interval '4 minutes'"));
        Assert.Equal(0, await rig.Queue.EnqueueAllAsync(connection, null, [], ct));
    }

    [Fact]
    public async Task A_job_enqueued_in_a_rolled_back_transaction_never_exists()
    {
        await using var rig = await QueueRig.CreateAsync();
        await using var connection = await rig.DataSource.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            Assert.True(await rig.Queue.EnqueueAsync(connection, transaction, new JobRequest("k", "{\"a\":1}", "x"), CancellationToken.None));
            await transaction.RollbackAsync();
        }

        Assert.Equal(0, await rig.CountAsync("SELECT count(*) FROM jobs"));
    }

    [Fact]
    public async Task Work_arriving_while_the_same_key_runs_makes_that_job_run_once_more_instead_of_being_lost()
    {
        await using var rig = await QueueRig.CreateAsync();
        var q = rig.Queue;
        var ct = CancellationToken.None;
        var request = BuildDialoguesJob.For("dev-1");
        Assert.True(await q.EnqueueAsync(request, ct));
        var first = Assert.Single(await q.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), null, ct));

        Assert.False(await q.EnqueueAsync(request, ct));
        Assert.False(await q.EnqueueAsync(request, ct));
        Assert.True((await rig.JobAsync(first.JobId)).RerunRequested);
        Assert.Empty(await q.ClaimAsync("w2", 1, TimeSpan.FromMinutes(1), null, ct));

        Assert.True(await q.CompleteAsync(first, "w", ct));
        var requeued = await rig.JobAsync(first.JobId);
        Assert.Equal(("queued", 0, false), (requeued.Status, requeued.Attempts, requeued.RerunRequested));

        var second = Assert.Single(await q.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), null, ct));
        Assert.Equal(first.JobId, second.JobId);
        Assert.True(await q.CompleteAsync(second, "w", ct));
        Assert.Equal("done", (await rig.JobAsync(first.JobId)).Status);
        Assert.Equal(1, await rig.CountAsync("SELECT count(*) FROM jobs"));
    }

    [Fact]
    public void A_build_dialogues_payload_names_the_device_in_camel_case()
    {
        var request = BuildDialoguesJob.For("pos-7");

        Assert.Equal("""{"deviceId":"pos-7"}""", request.Payload);
        Assert.Equal(("build-dialogues", "pos-7", JobPriority.Fresh), (request.Kind, request.DedupKey, request.Priority));
        Assert.Equal("pos-7", BuildDialoguesJob.Parse(request.Payload).DeviceId);
    }
}
