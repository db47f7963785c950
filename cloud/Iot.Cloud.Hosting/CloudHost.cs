using Iot.Cloud.Data;
using Iot.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Formatting.Compact;

namespace Iot.Cloud.Hosting;

/// <summary>The configuration layering, logging, systemd integration and exit codes every cloud program (bridge, worker, dashboard) shares.</summary>
public static class CloudHost
{
    private static readonly Serilog.Settings.Configuration.ConfigurationReaderOptions SerilogAssemblies =
        new(typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(RenderedCompactJsonFormatter).Assembly);

    /// <summary>
    /// A host builder for <paramref name="program"/> (e.g. <c>iot-bridge</c>) with the <see cref="ApplyDefaults"/> of
    /// every cloud program on an otherwise empty generic host (content root = the binary's folder). Tracing is added
    /// by <see cref="AddTelemetry"/>.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string program, string[] args, IDictionary<string, string?>? overrides = null)
    {
        // Defaults off: configuration is layered explicitly, and the file has the program's own name so several
        // programs can share a directory (tests, single-box installs).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });
        return ApplyDefaults(builder, program, args, overrides);
    }

    /// <summary>
    /// What every cloud program's host shares, applied to a builder of any kind (the bridge's and the worker's generic
    /// host, the dashboard's <c>WebApplicationBuilder</c>): configuration <c>{program}.json</c> in the content root
    /// &lt; the file named by <c>IOT_{PROGRAM}_CONFIG</c> &lt; <c>IOT_{PROGRAM}_*</c> environment variables &lt;
    /// <c>DATABASE_URL</c> &lt; <paramref name="overrides"/> &lt; command line, layered over whatever sources the
    /// builder already has; Serilog (<see cref="AddLogging"/>); systemd notification (READY=1 once started,
    /// STOPPING=1 on SIGTERM, nothing outside systemd).
    /// </summary>
    public static TBuilder ApplyDefaults<TBuilder>(TBuilder builder, string program, string[] args, IDictionary<string, string?>? overrides = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var prefix = program.Replace('-', '_').ToUpperInvariant();
        builder.Configuration.AddJsonFile(Path.Combine(builder.Environment.ContentRootPath, program + ".json"), optional: true);

        // A named file that is missing stops the start instead of running on defaults.
        var configFile = Environment.GetEnvironmentVariable(prefix + "_CONFIG");
        if (!string.IsNullOrEmpty(configFile))
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        builder.Configuration.AddEnvironmentVariables(prefix + "_");
        builder.Configuration.AddDatabaseUrl();

        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Configuration.AddCommandLine(args);
        AddLogging(builder.Services, builder.Configuration);
        builder.Services.AddSystemd();
        return builder;
    }

    /// <summary>
    /// Serilog from the <c>Serilog</c> section, console lines in the <c>Serilog:Format</c> chosen (compact JSON unless
    /// <c>text</c>); replaces the default logger providers. A bad format fails start-up naming the key.
    /// </summary>
    public static void AddLogging(IServiceCollection services, IConfiguration configuration)
    {
        var format = LogFormats.Read(configuration, LogFormat.Json)!.Value;
        services.AddSerilog(
            // Sink assemblies are named, not discovered: discovery scans the program's folder and fails on DLLs that
            // belong to another program sharing it (test output folders hold several).
            // ReadFrom.Services: a sink registered in code as an ILogEventSink gets every event too (tests capture the
            // log of a whole host this way to assert that a normal stop writes no error).
            (provider, lc) => lc.ReadFrom.Configuration(configuration, SerilogAssemblies).ReadFrom.Services(provider).Enrich.FromLogContext().Console(format),
            preserveStaticLogger: true);
    }

    /// <summary>
    /// OTLP traces and metrics for <paramref name="serviceName"/> (iot-bridge, iot-worker, iot-dashboard) when
    /// <c>OpenTelemetry:Otlp:Endpoint</c> is set; a bad <c>OpenTelemetry</c> setting throws naming its key.
    /// </summary>
    public static void AddTelemetry(
        IHostApplicationBuilder builder,
        string serviceName,
        string instanceId,
        IReadOnlyList<string> sources,
        IReadOnlyList<string> meters,
        Action<OpenTelemetry.Trace.TracerProviderBuilder>? configureTracing = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOtlpTelemetry(TelemetrySettings.FromConfiguration(builder.Configuration), new TelemetryRegistration(
            serviceName,
            (System.Reflection.Assembly.GetEntryAssembly() ?? typeof(CloudHost).Assembly).GetName().Version?.ToString(3) ?? "0.0.0",
            instanceId)
        {
            Sources = sources,
            // System.Runtime: the runtime's own meter (GC, thread pool, exceptions) since .NET 9, no package needed.
            Meters = [.. meters, "System.Runtime"],
            ConfigureTracing = configureTracing,
        });
    }

    /// <summary>Builds and runs the host; a bad setting ends the program with exit code 2 and a message naming the key.</summary>
    public static async Task<int> RunAsync(string program, Func<IHost> build)
    {
        try
        {
            using var host = build();
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"{program}: invalid configuration:\n  " + string.Join("\n  ", ex.Failures)).ConfigureAwait(false);
            return 2;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // A value of the wrong type (e.g. a word where a number belongs); the binder's message names the key.
            await Console.Error.WriteLineAsync($"{program}: invalid configuration:\n  " + ex.Message).ConfigureAwait(false);
            return 2;
        }
    }
}
