using Iot.Cloud.Pipeline.Jobs;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class MetricsTests
{
    [Fact]
    public void Queue_depth_and_counters_are_published_as_dotnet_metrics_for_scrapers()
    {
        using var metrics = new JobMetrics();
        metrics.OnClaimed(4);
        metrics.OnDepth([new JobQueueDepth("transcribe", "queued", 7, 42.5), new JobQueueDepth("analyze", "waiting", 2, 0)]);
        var seen = new List<(string Name, double Value, string Tags)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == JobMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Add((i.Name, v, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Add((i.Name, v, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Contains(("iot.jobs.claimed", 4d, ""), seen);
        Assert.Contains(("iot.jobs.depth", 7d, "kind=transcribe,status=queued"), seen);
        Assert.Contains(("iot.jobs.depth", 2d, "kind=analyze,status=waiting"), seen);
        Assert.Contains(("iot.jobs.oldest_queued_age", 42.5, "kind=transcribe"), seen);
        Assert.DoesNotContain(seen, m => m.Name == "iot.jobs.oldest_queued_age" && m.Tags == "kind=analyze");
    }

    [Fact]
    public async Task Queue_depth_by_kind_and_status_and_the_oldest_queued_age_come_out_as_prometheus_lines()
    {
        await using var rig = await QueueRig.CreateAsync();
        await rig.EnqueueAsync("transcribe");
        await rig.EnqueueAsync("transcribe");
        await rig.EnqueueAsync("analyze");
        var claimed = Assert.Single(await rig.Queue.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), ["analyze"], CancellationToken.None));
        Assert.True(await rig.Queue.WaitAsync(claimed, "w", "no analyzer", CancellationToken.None));
        await using (var c = await rig.DataSource.OpenConnectionAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE jobs SET created_at = now() - interval '90 seconds' WHERE kind = 'transcribe'");
        }

        var depth = await new JobQueueStats(rig.DataSource).ReadAsync(CancellationToken.None);
        var text = JobMetricsText.Render(new JobMetricsSnapshot(5, 3, 2, 1, 1, 0, 0, 0, 0), depth);

        Assert.Contains("# TYPE iot_jobs_claimed_total counter\niot_jobs_claimed_total 5\n", text, StringComparison.Ordinal);
        Assert.Contains("iot_jobs_dead_total 1\n", text, StringComparison.Ordinal);
        Assert.Contains("iot_jobs_depth{kind=\"transcribe\",status=\"queued\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("iot_jobs_depth{kind=\"analyze\",status=\"waiting\"} 1\n", text, StringComparison.Ordinal);
        var age = text.Split('\n').Single(l => l.StartsWith("iot_jobs_oldest_queued_age_seconds{kind=\"transcribe\"}", StringComparison.Ordinal));
        Assert.InRange(double.Parse(age.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), 89, 120);
        Assert.DoesNotContain("iot_jobs_oldest_queued_age_seconds{kind=\"analyze\"}", text, StringComparison.Ordinal);
    }
}
