using Dapper;
using Iot.Cloud.Pipeline.Jobs;
using Iot.TestSupport;
using Xunit.Abstractions;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class WorkerCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_worker_process_killed_mid_job_has_its_job_retried_by_another_after_the_lease_and_finished_exactly_once()
    {
        await using var rig = await QueueRig.CreateAsync();
        var id = await rig.EnqueueAsync("slow-side-effect", """{"sleepMs": 4000}""");
        using var first = WorkerProcess.Start(rig.ConnectionString, "crash-1", leaseSeconds: 3);
        await Eventually.WaitAsync(
            async () => await rig.CountAsync("SELECT count(*) FROM test_side_effects WHERE worker_id = 'crash-1' AND phase = 'started'") == 1,
            TimeSpan.FromSeconds(60),
            "the first worker process holding the job",
            () => Task.FromResult(first.Output));
        Assert.Equal(("running", "crash-1"), ((await rig.JobAsync(id)).Status, (await rig.JobAsync(id)).LockedBy));

        await first.KillAsync();
        await using (var c = await rig.DataSource.OpenConnectionAsync())
        {
            var leaseAtKill = await c.ExecuteScalarAsync<DateTime>("SELECT lease_until FROM jobs WHERE job_id = @id", new { id });
            using var second = WorkerProcess.Start(rig.ConnectionString, "crash-2", leaseSeconds: 3);
            await Eventually.WaitAsync(async () => (await rig.JobAsync(id)).Status == "done", TimeSpan.FromSeconds(60), "the job done by the second worker process", () => Task.FromResult(second.Output));
            Assert.Equal(0, await second.TerminateAsync());

            var retriedAt = await c.ExecuteScalarAsync<DateTime>("SELECT at FROM test_side_effects WHERE worker_id = 'crash-2' AND phase = 'started'");
            Assert.True(retriedAt >= leaseAtKill, $"retried at {retriedAt:O}, before the dead worker's lease ran out at {leaseAtKill:O}");
            output.WriteLine($"lease ran out {leaseAtKill:O}, retry started {retriedAt:O}");
        }

        await using var read = await rig.DataSource.OpenConnectionAsync();
        var effects = (await read.QueryAsync<(string, int, string)>("SELECT worker_id, attempt, phase FROM test_side_effects ORDER BY at")).ToList();
        Assert.Equal([("crash-1", 1, "started"), ("crash-2", 2, "started"), ("crash-2", 2, "finished")], effects);
        Assert.Equal(2, (await rig.JobAsync(id)).Attempts);
    }
}
