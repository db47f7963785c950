using System.Diagnostics;
using Iot.Cloud.Pipeline.Jobs;
using Xunit.Abstractions;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class NotifyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_notify_wakes_a_worker_whose_poll_interval_is_ten_minutes()
    {
        await using var rig = await QueueRig.CreateAsync();
        var worker = await rig.StartWorkerAsync("w", o => o.PollSeconds = 600, new TestHandler("k", rig.DataSource));
        await worker.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        // Let the start-up claim find the queue empty, so only the NOTIFY can bring the job.
        await Task.Delay(500);

        var clock = Stopwatch.StartNew();
        var id = await rig.EnqueueAsync("k");
        await rig.WaitForStatusAsync(id, "done", TimeSpan.FromSeconds(10));

        output.WriteLine($"enqueue to done: {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_job_enqueued_in_a_transaction_wakes_a_long_polling_worker_when_the_transaction_commits()
    {
        await using var rig = await QueueRig.CreateAsync();
        var worker = await rig.StartWorkerAsync("w", o => o.PollSeconds = 600, new TestHandler("k", rig.DataSource));
        await worker.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300);

        await using var connection = await rig.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        Assert.True(await rig.Queue.EnqueueAsync(connection, transaction, new JobRequest("k", "{}"), CancellationToken.None));
        await Task.Delay(1000);
        Assert.Equal(0, await rig.CountAsync("SELECT count(*) FROM jobs"));
        await transaction.CommitAsync();

        await Iot.TestSupport.Eventually.WaitAsync(async () => await rig.CountAsync("SELECT count(*) FROM jobs WHERE status = 'done'") == 1, TimeSpan.FromSeconds(10), "job done after commit");
    }
}
