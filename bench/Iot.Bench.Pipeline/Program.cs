using System.Diagnostics;
using System.Globalization;
using Dapper;
using Iot.Bench.Pipeline;
using Iot.Cloud.Data;
using Iot.Cloud.Pipeline.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// Job queue benchmark: how many jobs per second the PostgreSQL queue moves, with a handler that does nothing.
var databaseUrl = Environment.GetEnvironmentVariable("IOT_DATABASE_URL") ?? Environment.GetEnvironmentVariable("DATABASE_URL")
    ?? throw new InvalidOperationException("set IOT_DATABASE_URL or DATABASE_URL (bench/run.sh pipeline does)");
var quick = args.Contains("--quick");
var jobs = quick ? 2000 : 10_000;

var admin = ConnectionStrings.Normalize(databaseUrl);
if (args.Contains("e2e"))
{
    return await EndToEndBench.RunAsync(admin, quick);
}

var database = $"iot_bench_jobs_{Guid.NewGuid():n}"[..28];
await using (var c = new NpgsqlConnection(admin))
{
    await c.OpenAsync();
    await c.ExecuteAsync($"CREATE DATABASE {database}");
}

await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(admin) { Database = database, MaxPoolSize = 50 }.ConnectionString);
await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
var queue = new PostgresJobQueue(dataSource);
await using (var info = await dataSource.OpenConnectionAsync())
{
    var settings = await info.QuerySingleAsync<(string, string)>("SELECT current_setting('synchronous_commit'), current_setting('fsync')");
    Console.WriteLine($"job queue bench: {Environment.ProcessorCount} cores, {jobs} jobs per run, PostgreSQL {info.PostgreSqlVersion} synchronous_commit={settings.Item1} fsync={settings.Item2}, no-op handler");
}

Console.WriteLine($"load average before: {Load.Average()}");

var bench = new QueueRuns(dataSource, queue, jobs);
var results = new List<(string Name, double PerSecond)>
{
    ("enqueue, 1 producer, one transaction per job", await bench.EnqueueAsync(producers: 1)),
    ("enqueue, 4 producers", await bench.EnqueueAsync(producers: 4)),
    ("claim+complete, 1 loop (batch 1)", await bench.ClaimCompleteAsync(loops: 1, batch: 1)),
    ("claim+complete, 4 loops (batch 1)", await bench.ClaimCompleteAsync(loops: 4, batch: 1)),
    ("claim+complete, 4 loops (batch 16)", await bench.ClaimCompleteAsync(loops: 4, batch: 16)),
    ("JobWorker x1, concurrency 1", await bench.WorkersAsync(workers: 1, concurrency: 1)),
    ("JobWorker x4, concurrency 1 each", await bench.WorkersAsync(workers: 4, concurrency: 1)),
    ("JobWorker x1, concurrency 8", await bench.WorkersAsync(workers: 1, concurrency: 8)),
};

foreach (var (name, perSecond) in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-48} {perSecond,8:0} jobs/s"));
}

Console.WriteLine($"load average after: {Load.Average()}");
await using (var info = await dataSource.OpenConnectionAsync())
{
    var status = await info.QueryAsync<(string, long)>("SELECT status, count(*) FROM jobs GROUP BY status ORDER BY status");
    Console.WriteLine("jobs by status at the end: " + string.Join(", ", status.Select(s => $"{s.Item1}={s.Item2}")));
}

await using (var c = new NpgsqlConnection(admin))
{
    await c.OpenAsync();
    NpgsqlConnection.ClearAllPools();
    await c.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
}

return 0;

internal static class Load
{
    public static string Average() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static double Rate(int count, Stopwatch clock) => count / clock.Elapsed.TotalSeconds;
}
