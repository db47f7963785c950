using Dapper;
using Iot.Cloud.Pipeline.Jobs;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

/// <summary>A fresh migrated database with the real queue, and real workers started on it.</summary>
internal sealed class QueueRig : IAsyncDisposable
{
    private readonly List<JobWorker> _workers = [];

    private QueueRig(string connectionString)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Queue = new PostgresJobQueue(DataSource);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public PostgresJobQueue Queue { get; }

    public JobMetrics Metrics { get; } = new();

    public static async Task<QueueRig> CreateAsync()
    {
        var rig = new QueueRig(await TestDatabase.CreateAsync("iot_jobs", maxPoolSize: 60));
        await using var c = await rig.DataSource.OpenConnectionAsync();
        await c.ExecuteAsync("CREATE TABLE test_side_effects (job_id bigint NOT NULL, worker_id text NOT NULL, attempt int NOT NULL, phase text NOT NULL, at timestamptz NOT NULL DEFAULT now())");
        return rig;
    }

    public Task<JobWorker> StartWorkerAsync(string workerId, Action<JobWorkerOptions>? configure = null, params IJobHandler[] handlers) =>
        StartWorkerAsync(workerId, TimeProvider.System, configure, handlers);

    public async Task<JobWorker> StartWorkerAsync(string workerId, TimeProvider time, Action<JobWorkerOptions>? configure, params IJobHandler[] handlers)
    {
        var options = new JobWorkerOptions { WorkerId = workerId, Concurrency = 4, LeaseSeconds = 10, PollSeconds = 0.2, RetryBaseSeconds = 0.05, RetryMaxSeconds = 0.2, DrainSeconds = 5 };
        configure?.Invoke(options);
        var validation = new JobWorkerOptionsValidator(handlers).Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        var worker = new JobWorker(Queue, DataSource, handlers, Options.Create(options), Metrics, time, NullLogger<JobWorker>.Instance);
        _workers.Add(worker);
        await worker.StartAsync(CancellationToken.None);
        return worker;
    }

    public Task<long> EnqueueAsync(string kind, string payload = "{}", string? dedupKey = null, short priority = JobPriority.Normal, int maxAttempts = 5) =>
        EnqueueAsync(new JobRequest(kind, payload, dedupKey, priority, MaxAttempts: maxAttempts));

    /// <summary>Enqueues and returns the new job's id.</summary>
    public async Task<long> EnqueueAsync(JobRequest request)
    {
        Assert.True(await Queue.EnqueueAsync(request, CancellationToken.None), $"enqueue of {request} was refused");
        await using var c = await DataSource.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<long>("SELECT max(job_id) FROM jobs");
    }

    public async Task<JobRow> JobAsync(long jobId)
    {
        await using var c = await DataSource.OpenConnectionAsync();
        return await c.QuerySingleAsync<JobRow>(
            """
            SELECT job_id AS JobId, kind AS Kind, status AS Status, attempts AS Attempts, last_error AS LastError, raw_reply AS RawReply,
                   wait_reason AS WaitReason, locked_by AS LockedBy, rerun_requested AS RerunRequested,
                   extract(epoch FROM run_after - now())::float8 AS RunAfterInSeconds
            FROM jobs WHERE job_id = @jobId
            """,
            new { jobId });
    }

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var c = await DataSource.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<long>(sql, parameters);
    }

    public Task WaitForStatusAsync(long jobId, string status, TimeSpan timeout) =>
        Eventually.WaitAsync(async () => (await JobAsync(jobId)).Status == status, timeout, $"job {jobId} {status}", async () => (await JobAsync(jobId)).ToString());

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }

        await DataSource.DisposeAsync();
    }
}

internal sealed record JobRow(long JobId, string Kind, string Status, int Attempts, string? LastError, string? RawReply, string? WaitReason, string? LockedBy, bool RerunRequested, double RunAfterInSeconds);

/// <summary>A handler whose behaviour the test supplies; records every call's side effect in test_side_effects.</summary>
internal sealed class TestHandler(string kind, NpgsqlDataSource dataSource, Func<ClaimedJob, CancellationToken, Task<JobOutcome>>? body = null, string label = "in-process") : IJobHandler
{
    public string Kind => kind;

    public async Task<JobOutcome> HandleAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        var outcome = body is null ? JobOutcome.Done : await body(job, cancellationToken);
        await using var c = await dataSource.OpenConnectionAsync(cancellationToken);
        await c.ExecuteAsync(
            "INSERT INTO test_side_effects (job_id, worker_id, attempt, phase) VALUES (@jobId, @label, @attempt, 'handled')",
            new { jobId = job.JobId, label, attempt = job.Attempt });
        return outcome;
    }
}
