using Iot.Cloud.Data;
using System.Threading.Channels;
using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Broker.Dynsec;
using Iot.Cloud.Bridge.Broker.Security;
using Iot.Cloud.Bridge.Ingest;
using Iot.Cloud.Bridge.Persistence;
using Iot.Cloud.Bridge.Storage;
using Iot.Cloud.Hosting.Health;
using Iot.Cloud.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Iot.Cloud.Hosting;
using Iot.Cloud.Pipeline.Hosting;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Provisioning.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>Composes the bridge; used by Program and by tests that start and kill bridges in-process.</summary>
public static class BridgeHost
{
    public static HostApplicationBuilder CreateBuilder(string[] args, IDictionary<string, string?>? overrides = null)
    {
        var builder = CloudHost.CreateBuilder("iot-bridge", args, overrides);
        AddBridge(builder.Services, builder.Configuration);

        // Job spans come from the in-process pipeline workers (when on); they carry service.name iot-bridge then.
        CloudHost.AddTelemetry(
            builder,
            "iot-bridge",
            builder.Configuration[$"{BridgeOptions.Section}:InstanceId"] ?? new BridgeOptions().InstanceId,
            [IngestTracing.SourceName, JobTracing.SourceName],
            [IngestMetrics.MeterName, JobMetrics.MeterName, Iot.Mqtt.MqttSessionMetrics.MeterName]);
        return builder;
    }

    public static void AddBridge(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BridgeOptions>().Bind(configuration.GetSection(BridgeOptions.Section)).ValidateOnStart();
        services.AddOptions<BrokerOptions>().Bind(configuration.GetSection(BrokerOptions.Section)).ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.AddOptions<MetricsEndpointOptions>().Bind(configuration.GetSection(MetricsEndpointOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BridgeOptions>, BridgeOptionsValidator>();
        services.AddSingleton<IValidateOptions<BrokerOptions>, BrokerOptionsValidator>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<IValidateOptions<MetricsEndpointOptions>, MetricsEndpointOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddCloudDatabase(configuration);
        services.AddJobQueue(configuration);
        services.AddSingleton<DeviceRegistry>();
        services.AddSingleton<ChunkRepository>();
        // Storage:Kind picks the audio store (Local under Storage:Root, or S3); Storage:Root keeps the bridge's own
        // state (TLS material, the API token) either way. Local temp files carry the instance id (TempFileSweeper).
        services.AddAudioStore(
            configuration,
            StorageOptions.Section,
            o => o.Root = new StorageOptions().Root,
            sp => sp.GetRequiredService<IOptions<BridgeOptions>>().Value.InstanceId);
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
            services.AddSingleton<Broker.Tls.BrokerCertificates>();
            services.AddSingleton<EmbeddedBroker>();
            services.AddSingleton<IDeviceSessionControl>(sp => sp.GetRequiredService<EmbeddedBroker>());
            services.AddSingleton<Iot.Provisioning.Alerts.ICertificateExpirySource, Broker.Tls.BrokerCertificateExpiry>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
            services.AddHostedService<RevocationSweeper>();
        }
        else if (configuration.GetValue($"{BrokerOptions.Section}:Dynsec:Enabled", false))
        {
            services.AddDynsecReconciler();
        }

        services.AddSingleton<BridgeConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<BridgeConnection>());
        services.AddSingleton<RejectionCounter>();
        services.AddHostedService(sp => sp.GetRequiredService<RejectionCounter>());
        services.AddHostedService<IngestPipeline>();
        services.AddHostedService<MetricsReporter>();
        services.AddCloudHealthChecks()
            .AddCheck<BrokerHealthCheck>("broker", HealthStatus.Unhealthy, [HealthProbes.ReadyTag])
            .AddAudioStoreCheck(StorageOptions.Section);
        services.AddSingleton<MetricsEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsEndpoint>());
        services.AddHostedService<TempFileSweeper>();
        services.AddProvisioningBrokerWiring();
        services.AddProvisioning(configuration);
        services.AddSingleton<ProvisioningApiHost>();
        services.AddHostedService(sp => sp.GetRequiredService<ProvisioningApiHost>());

        // In-process pipeline workers (after the schema task above); iot-worker runs the same workers on other machines.
        if (configuration.GetValue($"{JobWorkerOptions.Section}:Enabled", true))
        {
            // In-process workers read and delete audio through this bridge's own store (registered above).
            services.AddPipelineHandlers(configuration);
            services.AddJobWorkers(configuration);
        }
    }
}
