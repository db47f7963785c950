using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Retention;
using Iot.Cloud.Pipeline.Tests.Support;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Options = Microsoft.Extensions.Options.Options;

namespace Iot.Cloud.Pipeline.Tests.Retention;

public sealed class RetentionSchedulerTests
{
    [Fact]
    public async Task The_scheduler_enqueues_one_retention_job_per_day_keyed_by_the_date()
    {
        await using var db = await PipelineDatabase.CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 23, 0, 0, TimeSpan.Zero));
        var scheduler = new RetentionScheduler(db.Queue, Options.Create(new RetentionOptions()), time, NullLogger<RetentionScheduler>.Instance);
        var other = new RetentionScheduler(db.Queue, Options.Create(new RetentionOptions()), time, NullLogger<RetentionScheduler>.Instance);

        Assert.True(await scheduler.EnqueueTodayAsync(CancellationToken.None));
        Assert.False(await scheduler.EnqueueTodayAsync(CancellationToken.None));
        Assert.False(await other.EnqueueTodayAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromHours(2));
        Assert.True(await scheduler.EnqueueTodayAsync(CancellationToken.None));

        Assert.Equal(["2026-03-02", "2026-03-03"], (await db.JobsAsync(JobKinds.Retention)).Select(j => j.DedupKey));
    }

    [Fact]
    public async Task The_running_scheduler_enqueues_at_start_and_again_after_midnight()
    {
        await using var db = await PipelineDatabase.CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 23, 30, 0, TimeSpan.Zero));
        using var scheduler = new RetentionScheduler(db.Queue, Options.Create(new RetentionOptions { SchedulerCheckMinutes = 60 }), time, NullLogger<RetentionScheduler>.Instance);

        await scheduler.StartAsync(CancellationToken.None);
        await Eventually.WaitAsync(async () => (await db.JobsAsync(JobKinds.Retention)).Count == 1, TimeSpan.FromSeconds(10), "the job of the start day");
        time.Advance(TimeSpan.FromMinutes(60));
        await Eventually.WaitAsync(async () => (await db.JobsAsync(JobKinds.Retention)).Count == 2, TimeSpan.FromSeconds(10), "the job of the next day");
        await scheduler.StopAsync(CancellationToken.None);
    }
}
