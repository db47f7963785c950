using System.Diagnostics;
using Dapper;
using Iot.Cloud.Pipeline.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Bench.Pipeline;

/// <summary>One measured run each: fill the queue, then time how long draining it takes.</summary>
internal sealed class QueueRuns(NpgsqlDataSource dataSource, PostgresJobQueue queue, int jobs)
{
    private int _run;

    /// <summary>Enqueue through the real API, each job its own transaction (how the bridge's batches commit).</summary>
    public async Task<double> EnqueueAsync(int producers)
    {
        var kind = NextKind();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(async p =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            for (var i = p; i < jobs; i += producers)
            {
                await queue.EnqueueAsync(connection, null, new JobRequest(kind, "{}", $"key-{i}"), CancellationToken.None);
            }
        }));
        clock.Stop();
        await FinishAllAsync(kind);
        return Load.Rate(jobs, clock);
    }

    /// <summary>The queue API alone: claim, complete, repeat until empty.</summary>
    public async Task<double> ClaimCompleteAsync(int loops, int batch)
    {
        var kind = await FillAsync();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(async l =>
        {
            var worker = $"loop-{l}";
            while (true)
            {
                var claimed = await queue.ClaimAsync(worker, batch, TimeSpan.FromMinutes(1), [kind], CancellationToken.None);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var job in claimed)
                {
                    await queue.CompleteAsync(job, worker, CancellationToken.None);
                }
            }
        }));
        clock.Stop();
        return Load.Rate(jobs, clock);
    }

    /// <summary>The real JobWorker hosted service with a no-op handler, from start to an empty queue.</summary>
    public async Task<double> WorkersAsync(int workers, int concurrency)
    {
        var kind = await FillAsync();
        var metrics = new JobMetrics();
        var handler = new NoOpHandler(kind);
        var started = Enumerable.Range(0, workers).Select(w => new JobWorker(
            queue,
            dataSource,
            [handler],
            Options.Create(new JobWorkerOptions { WorkerId = $"bench-{w}", Concurrency = concurrency, PollSeconds = 1, MetricsLogSeconds = 0 }),
            metrics,
            TimeProvider.System,
            NullLogger<JobWorker>.Instance)).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var worker in started)
        {
            await worker.StartAsync(CancellationToken.None);
        }

        while (metrics.Snapshot().Completed < jobs)
        {
            await Task.Delay(5);
        }

        clock.Stop();
        foreach (var worker in started)
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }

        return Load.Rate(jobs, clock);
    }

    private string NextKind() => $"bench-{Interlocked.Increment(ref _run)}";

    private async Task<string> FillAsync()
    {
        var kind = NextKind();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("INSERT INTO jobs (kind, payload) SELECT @kind, '{}' FROM generate_series(1, @jobs)", new { kind, jobs });
        await connection.ExecuteAsync("ANALYZE jobs");
        return kind;
    }

    private async Task FinishAllAsync(string kind)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE jobs SET status = 'done', finished_at = now() WHERE kind = @kind", new { kind });
    }

    private sealed class NoOpHandler(string kind) : IJobHandler
    {
        public string Kind => kind;

        public Task<JobOutcome> HandleAsync(ClaimedJob job, CancellationToken cancellationToken) => Task.FromResult(JobOutcome.Done);
    }
}
