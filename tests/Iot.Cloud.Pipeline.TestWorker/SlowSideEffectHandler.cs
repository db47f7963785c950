using System.Text.Json;
using Dapper;
using Iot.Cloud.Pipeline.Jobs;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Iot.Cloud.Pipeline.TestWorker;

/// <summary>
/// Kind <c>slow-side-effect</c>: records "started", sleeps <c>sleepMs</c> from the payload, records "finished". A test
/// that kills the process mid-sleep sees one unfinished start per killed attempt and exactly one finish. The worker id
/// comes from configuration: a handler cannot depend on IOptions&lt;JobWorkerOptions&gt;, whose validator needs the handlers.
/// </summary>
internal sealed class SlowSideEffectHandler(NpgsqlDataSource dataSource, IConfiguration configuration, TimeProvider time) : IJobHandler
{
    public const string JobKind = "slow-side-effect";

    public string Kind => JobKind;

    public async Task<JobOutcome> HandleAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        using var payload = JsonDocument.Parse(job.Payload);
        var sleep = TimeSpan.FromMilliseconds(payload.RootElement.GetProperty("sleepMs").GetInt32());
        await RecordAsync(job, "started", cancellationToken);
        await Task.Delay(sleep, time, cancellationToken);
        await RecordAsync(job, "finished", cancellationToken);
        return JobOutcome.Done;
    }

    private async Task RecordAsync(ClaimedJob job, string phase, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO test_side_effects (job_id, worker_id, attempt, phase) VALUES (@jobId, @workerId, @attempt, @phase)",
            new { jobId = job.JobId, workerId = configuration[$"{JobWorkerOptions.Section}:WorkerId"] ?? "?", attempt = job.Attempt, phase },
            cancellationToken: cancellationToken));
    }
}
