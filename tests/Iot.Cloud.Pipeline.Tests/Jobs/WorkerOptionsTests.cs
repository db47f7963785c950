using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Tests.Jobs;

public sealed class WorkerOptionsTests
{
    [Fact]
    public void Every_bad_worker_setting_is_reported_under_its_full_key()
    {
        var options = new JobWorkerOptions { Concurrency = 0, LeaseSeconds = 0, PollSeconds = 0, WorkerId = "has spaces", RetryBaseSeconds = 0, DrainSeconds = -1, Kinds = ["transcribe"] };

        var result = new JobWorkerOptionsValidator([]).Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        foreach (var key in new[] { "Concurrency", "LeaseSeconds", "PollSeconds", "WorkerId", "RetryBaseSeconds", "DrainSeconds", "Kinds:0" })
        {
            Assert.Contains(failures, f => f.StartsWith($"Pipeline:Workers:{key} ", StringComparison.Ordinal));
        }

        Assert.Contains("Pipeline:Workers:Kinds:0 'transcribe' has no registered handler (handlers: none)", failures);
    }

    [Fact]
    public void The_worker_host_refuses_to_start_with_a_bad_setting_and_names_the_key()
    {
        using var host = WorkerHost.CreateBuilder(["--Database:ConnectionString=Host=127.0.0.1;Database=x", "--Pipeline:Workers:Concurrency=0"]).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<JobWorkerOptions>>().Value);

        Assert.Contains("Pipeline:Workers:Concurrency 0 must be 1..256", ex.Failures);
    }

    [Fact]
    public async Task The_bridge_refuses_a_bad_in_process_worker_setting_naming_its_key()
    {
        using var host = BridgeHost.CreateBuilder([], Bridge(("Pipeline:Workers:LeaseSeconds", "0"))).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Pipeline:Workers:LeaseSeconds 0 must be 1..86400", ex.Failures);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void The_bridge_runs_in_process_workers_unless_disabled_and_always_has_the_queue_for_its_chunk_jobs(string enabled, bool expectWorker)
    {
        using var host = BridgeHost.CreateBuilder([], Bridge(("Pipeline:Workers:Enabled", enabled))).Build();

        Assert.Equal(expectWorker, host.Services.GetServices<IHostedService>().OfType<JobWorker>().Any());
        Assert.IsType<PostgresJobQueue>(host.Services.GetRequiredService<IJobQueue>());
    }

    private static Dictionary<string, string?> Bridge((string Key, string Value) setting) => new()
    {
        ["Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=x;Database=x",
        ["Storage:Root"] = Path.GetTempPath(),
        ["Broker:RequireAuthentication"] = "false",
        ["Serilog:MinimumLevel:Default"] = "Fatal",
        [setting.Key] = setting.Value,
    };
}
