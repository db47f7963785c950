using Iot.Cloud.Data;
using System.Threading.Channels;
using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Broker.Dynsec;
using Iot.Cloud.Bridge.Broker.Security;
using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Bridge.Persistence;
using Iot.Cloud.Bridge.Storage;
using Iot.Provisioning.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Serilog;
using Serilog.Formatting.Compact;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>Composes the bridge; used by Program and by tests that start and kill bridges in-process.</summary>
public static class BridgeHost
{
    public static HostApplicationBuilder CreateBuilder(string[] args, IDictionary<string, string?>? overrides = null)
    {
        // Defaults off: configuration is layered explicitly (file < environment < overrides < command line), and the
        // file has the program's own name so agent and bridge can share a directory (tests, single-box installs).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "iot-bridge.json"), optional: true);
        var configFile = Environment.GetEnvironmentVariable("IOT_BRIDGE_CONFIG");
        if (!string.IsNullOrEmpty(configFile))
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        builder.Configuration.AddEnvironmentVariables("IOT_BRIDGE_");
        var databaseUrl = Environment.GetEnvironmentVariable("DATABASE_URL");
        if (!string.IsNullOrWhiteSpace(databaseUrl))
        {
            builder.Configuration.AddInMemoryCollection([new($"{DatabaseOptions.Section}:ConnectionString", databaseUrl)]);
        }

        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Configuration.AddCommandLine(args);
        builder.Services.AddSerilog(
            (_, lc) => lc.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext().WriteTo.Console(new RenderedCompactJsonFormatter()),
            preserveStaticLogger: true);
        builder.Services.AddSystemd();
        AddBridge(builder.Services, builder.Configuration);
        return builder;
    }

    public static void AddBridge(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BridgeOptions>().Bind(configuration.GetSection(BridgeOptions.Section)).ValidateOnStart();
        services.AddOptions<BrokerOptions>().Bind(configuration.GetSection(BrokerOptions.Section)).ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BridgeOptions>, BridgeOptionsValidator>();
        services.AddSingleton<IValidateOptions<BrokerOptions>, BrokerOptionsValidator>();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => NpgsqlDataSource.Create(ConnectionStrings.Normalize(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)));
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<DeviceRegistry>();
        services.AddSingleton<ChunkRepository>();
        services.AddSingleton<RecordingStore>();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton(sp => Channel.CreateBounded<ReceivedMessage>(new BoundedChannelOptions(sp.GetRequiredService<IOptions<BridgeOptions>>().Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        }));

        // Registration order is start order: schema first, then the broker, then the session that uses it.
        services.AddHostedService<StartupTasks>();
        if (configuration.GetValue($"{BrokerOptions.Section}:Mode", BrokerMode.Embedded) == BrokerMode.Embedded)
        {
            services.AddBrokerSecurity();
            services.AddSingleton<EmbeddedBroker>();
            services.AddSingleton<IDeviceSessionControl>(sp => sp.GetRequiredService<EmbeddedBroker>());
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
            services.AddHostedService<RevocationSweeper>();
        }
        else if (configuration.GetValue($"{BrokerOptions.Section}:Dynsec:Enabled", false))
        {
            services.AddDynsecReconciler();
        }

        services.AddSingleton<BridgeConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<BridgeConnection>());
        services.AddHostedService<IngestPipeline>();
        services.AddHostedService<MetricsReporter>();
        services.AddProvisioningBrokerWiring();
        services.AddProvisioning(configuration);
    }
}
