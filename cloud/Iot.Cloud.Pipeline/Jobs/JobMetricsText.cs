using Iot.Telemetry.Metrics;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>Job counters and queue depth as Prometheus text, in the agent's /metrics style.</summary>
public static class JobMetricsText
{
    public static string Render(JobMetricsSnapshot s, IReadOnlyList<JobQueueDepth> depth) =>
        new PrometheusText()
            .Counter("iot_jobs_claimed_total", "Jobs this process claimed since start.", s.Claimed)
            .Counter("iot_jobs_completed_total", "Jobs this process finished as done.", s.Completed)
            .Counter("iot_jobs_failed_total", "Job attempts that threw (retried with backoff or dead-lettered).", s.Failed)
            .Counter("iot_jobs_dead_total", "Jobs this process dead-lettered.", s.Dead)
            .Counter("iot_jobs_waiting_total", "Jobs parked as waiting (e.g. no engine configured).", s.Waiting)
            .Counter("iot_jobs_deferred_total", "Jobs put back to run later without counting an attempt.", s.Deferred)
            .Counter("iot_jobs_released_total", "Unfinished jobs given back to the queue on shutdown.", s.Released)
            .Counter("iot_jobs_lease_lost_total", "Jobs whose lease expired while this process still ran them.", s.LeaseLost)
            .Counter("iot_jobs_reaped_total", "Expired leases of vanished workers returned to the queue.", s.Reaped)
            .Gauges("iot_jobs_depth", "Jobs in the database by kind and status (done excluded).", depth.Select(d => ((double)d.Count, new[] { ("kind", d.Kind), ("status", d.Status) })))
            .Gauges(
                "iot_jobs_oldest_queued_age_seconds",
                "Age of the oldest queued job per kind (database clock).",
                depth.Where(d => d.Status == "queued").Select(d => (Math.Round(d.OldestAgeSeconds, 3), new[] { ("kind", d.Kind) })))
            .ToString();
}
