using Dapper;
using Iot.Cloud.Pipeline.Jobs;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class ClaimTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_workers_claiming_concurrently_run_each_of_hundreds_of_jobs_exactly_once()
    {
        await using var rig = await QueueRig.CreateAsync();
        const int jobs = 400;
        await rig.StartWorkerAsync("w-a", null, new TestHandler("work", rig.DataSource, label: "w-a"));
        await rig.StartWorkerAsync("w-b", null, new TestHandler("work", rig.DataSource, label: "w-b"));
        await using (var c = await rig.DataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync("INSERT INTO jobs (kind, payload) SELECT 'work', jsonb_build_object('n', n) FROM generate_series(1, @jobs) n", new { jobs });
            await c.ExecuteAsync("SELECT pg_notify('iot_jobs', 'work')");
        }

        await Eventually.WaitAsync(async () => await rig.CountAsync("SELECT count(*) FROM jobs WHERE status = 'done'") == jobs, TimeSpan.FromSeconds(90), "all jobs done",
            async () => $"{await rig.CountAsync("SELECT count(*) FROM jobs WHERE status = 'done'")} done");

        Assert.Equal(jobs, await rig.CountAsync("SELECT count(*) FROM test_side_effects"));
        Assert.Equal(jobs, await rig.CountAsync("SELECT count(DISTINCT job_id) FROM test_side_effects"));
        Assert.Equal(jobs, await rig.CountAsync("SELECT count(*) FROM jobs WHERE attempts = 1"));
        var a = await rig.CountAsync("SELECT count(*) FROM test_side_effects WHERE worker_id = 'w-a'");
        output.WriteLine($"worker a ran {a}, worker b ran {jobs - a}");
        Assert.InRange(a, 1, jobs - 1);
    }

    [Fact]
    public async Task Fresh_jobs_are_claimed_before_normal_before_backfill_and_earlier_run_after_first_within_a_priority()
    {
        await using var rig = await QueueRig.CreateAsync();
        var backfill = await rig.EnqueueAsync("k", priority: JobPriority.Backfill);
        var normalLate = await rig.EnqueueAsync("k", priority: JobPriority.Normal);
        var fresh = await rig.EnqueueAsync("k", priority: JobPriority.Fresh);
        await using (var c = await rig.DataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync("UPDATE jobs SET run_after = now() - interval '1 minute' WHERE job_id = @normalLate", new { normalLate });
        }

        var normalEarly = await rig.EnqueueAsync("k", priority: JobPriority.Normal);
        await using (var c = await rig.DataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync("UPDATE jobs SET run_after = now() - interval '2 minutes' WHERE job_id = @normalEarly", new { normalEarly });
        }

        var order = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            order.Add(Assert.Single(await rig.Queue.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), null, CancellationToken.None)).JobId);
        }

        Assert.Equal([fresh, normalEarly, normalLate, backfill], order);
        Assert.Empty(await rig.Queue.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), null, CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_sets_running_with_a_lease_the_worker_id_and_one_more_attempt_and_honours_the_kind_filter()
    {
        await using var rig = await QueueRig.CreateAsync();
        var other = await rig.EnqueueAsync("other");
        var mine = await rig.EnqueueAsync("mine");

        var claimed = Assert.Single(await rig.Queue.ClaimAsync("w-1", 10, TimeSpan.FromSeconds(30), ["mine"], CancellationToken.None));

        Assert.Equal(mine, claimed.JobId);
        Assert.Equal(1, claimed.Attempt);
        var row = await rig.JobAsync(mine);
        Assert.Equal(("running", "w-1", 1), (row.Status, row.LockedBy, row.Attempts));
        Assert.InRange(await rig.CountAsync("SELECT extract(epoch FROM lease_until - now())::bigint FROM jobs WHERE job_id = @mine", new { mine }), 28, 30);
        Assert.Equal("queued", (await rig.JobAsync(other)).Status);
    }

    [Fact]
    public async Task A_delayed_job_is_not_claimed_before_its_run_after()
    {
        await using var rig = await QueueRig.CreateAsync();
        await rig.EnqueueAsync(new JobRequest("k", "{}", Delay: TimeSpan.FromMinutes(5)));

        Assert.Empty(await rig.Queue.ClaimAsync("w", 5, TimeSpan.FromMinutes(1), null, CancellationToken.None));
    }
}
