using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
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
}
