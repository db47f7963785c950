using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class PollTests
{
    [Fact]
    public async Task A_job_nobody_announced_is_found_at_the_next_poll()
    {
        await using var rig = await QueueRig.CreateAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var worker = await rig.StartWorkerAsync("w", time, o => o.PollSeconds = 30, new TestHandler("k", rig.DataSource));
        await worker.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(500);

        // Inserted behind the queue's back: no NOTIFY, as when the listener was reconnecting.
        await using (var c = await rig.DataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync("INSERT INTO jobs (kind) VALUES ('k')");
        }

        await Task.Delay(1500);
        Assert.Equal(0, await rig.CountAsync("SELECT count(*) FROM jobs WHERE status = 'done'"));

        time.Advance(TimeSpan.FromSeconds(31));

        await Iot.TestSupport.Eventually.WaitAsync(async () => await rig.CountAsync("SELECT count(*) FROM jobs WHERE status = 'done'") == 1, TimeSpan.FromSeconds(10), "job found by polling");
    }
}
