using Iot.Cloud.Pipeline.Hosting;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Iot.Cloud.Pipeline.Tests.Hosting;

public sealed class PipelineRegistrationTests
{
    [Fact]
    public void The_pipeline_registers_a_handler_for_each_of_its_job_kinds()
    {
        using var provider = Services(new Dictionary<string, string?> { ["Pipeline:Storage:Root"] = "/srv/iot" }).BuildServiceProvider();

        var kinds = provider.GetServices<IJobHandler>().Select(h => h.Kind).Order(StringComparer.Ordinal);

        Assert.Equal([JobKinds.Analyze, JobKinds.BuildDialogues, JobKinds.Reanalyze, JobKinds.Retention, JobKinds.Transcribe], kinds);
        Assert.Single(provider.GetServices<IHostedService>());
    }

    [Fact]
    public async Task A_bad_pipeline_option_stops_start_up_and_names_its_key()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Dialogues:GapSeconds"] = "0",
            ["Pipeline:Storage:Root"] = "relative/path",
            ["Pipeline:Retention:AudioRetentionDays"] = "0",
        });
        AddPipeline(builder.Services, builder.Configuration);
        using var host = builder.Build();

        // Several options sections fail together: the host reports them in one AggregateException.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        var failures = (error is AggregateException all ? all.InnerExceptions : [error])
            .Select(e => Assert.IsType<OptionsValidationException>(e))
            .SelectMany(e => e.Failures)
            .ToList();

        Assert.All(failures, f => Assert.StartsWith("Pipeline:", f, StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Pipeline:Dialogues:GapSeconds 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Pipeline:Storage:Root 'relative/path'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Pipeline:Retention:AudioRetentionDays 0", StringComparison.Ordinal));
    }

    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        AddPipeline(services, configuration);
        return services;
    }

    private static void AddPipeline(IServiceCollection services, IConfiguration configuration)
    {
        // What the host provides; the data source never connects in these tests.
        services.AddSingleton(_ => NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Database=none"));
        services.AddSingleton<IJobQueue>(sp => new TestJobQueue(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddDialoguePipeline(configuration);
    }
}
