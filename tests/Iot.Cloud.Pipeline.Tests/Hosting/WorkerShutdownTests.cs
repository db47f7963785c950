using Iot.Cloud.Worker.Hosting;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace Iot.Cloud.Pipeline.Tests.Hosting;

/// <summary>Issue 20 item 5: a normal stop of iot-worker must not log an error (it logged a Fatal BackgroundServiceFaulted).</summary>
public sealed class WorkerShutdownTests : IDisposable
{
    private readonly TempDirectory _dir = new("worker-stop");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(ShutdownKind.StopThenDispose)]
    [InlineData(ShutdownKind.DisposeOnly)]
    public async Task A_started_worker_host_shuts_down_without_an_error_in_its_log(ShutdownKind kind)
    {
        var db = await TestDatabase.CreateAsync("worker_stop");
        var log = new LogCapture();
        var builder = WorkerHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = db,
            ["Pipeline:Storage:Root"] = _dir.Path,
            ["Worker:Health:Port"] = "0",
            ["Serilog:MinimumLevel:Default"] = "Information",
        });
        builder.Services.AddSingleton<ILogEventSink>(log);
        var host = builder.Build();
        await host.StartAsync();

        // Every periodic service is inside its wait once the retention scheduler has enqueued today's job.
        await Eventually.WaitAsync(
            () => Task.FromResult(log.Events.Any(e => e.MessageTemplate.Text.StartsWith("retention: job for", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30),
            "the retention scheduler's first pass",
            () => Task.FromResult(LogCapture.Describe(log.Events)));
        await HostShutdown.EndAsync(host, kind);

        var errors = HostShutdown.Faults(log, kind);
        Assert.True(errors.Count == 0, LogCapture.Describe(errors));
    }
}
