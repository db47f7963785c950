using Iot.Edge.Agent.Commands;
using Iot.Edge.Agent.DesiredConfig;
using Iot.Edge.Agent.HomeAssistant;
using Iot.Edge.Agent.Provisioning;
using Iot.Edge.Agent.Gpio;
using Iot.Edge.Agent.Health;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Agent.Speech;
using Iot.Edge.Agent.Uplink;
using Iot.Edge.Audio;
using Iot.Edge.Capture.Alsa;
using Iot.Edge.Capture.Windows;
using Iot.Edge.Agent.Transcription;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using Iot.Telemetry;
using Serilog;

namespace Iot.Edge.Agent.Hosting;

/// <summary>Composes the agent; used by Program and by tests that run several agents in one process.</summary>
public static class AgentHost
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
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "iot-agent.json"), optional: true);
        var configFile = Environment.GetEnvironmentVariable("IOT_AGENT_CONFIG");
        if (!string.IsNullOrEmpty(configFile))
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        builder.Configuration.AddEnvironmentVariables("IOT_AGENT_");
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Configuration.AddCommandLine(args);
        InsertDesiredConfig(builder.Configuration, overrides is null ? 1 : 2);
        var logging = AgentLogging.FromConfiguration(builder.Configuration);
        builder.Services.AddSerilog((_, lc) => logging.Apply(lc), preserveStaticLogger: true);
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "iot-agent");
        AddAgent(builder.Services, builder.Configuration);
        AddTelemetry(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>
    /// OTLP traces and metrics when <c>OpenTelemetry:Otlp:Endpoint</c> is set; the SDK is not even registered otherwise.
    /// The configured tenant and device go on the resource; a provisioned device's ids are on every span anyway.
    /// </summary>
    private static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        var device = configuration[$"{AgentOptions.Section}:DeviceId"];
        var tenant = configuration[$"{AgentOptions.Section}:TenantId"];
        var attributes = new Dictionary<string, object>();
        if (!string.IsNullOrWhiteSpace(tenant))
        {
            attributes[Iot.Telemetry.IotAttributes.TenantId] = tenant;
        }

        if (!string.IsNullOrWhiteSpace(device))
        {
            attributes[Iot.Telemetry.IotAttributes.DeviceId] = device;
        }

        services.AddOtlpTelemetry(TelemetrySettings.FromConfiguration(configuration), new TelemetryRegistration(
            "iot-agent",
            AgentVersion.Current,
            string.IsNullOrWhiteSpace(device) ? Environment.MachineName.ToLowerInvariant() : $"{tenant}/{device}")
        {
            Sources = [ChunkUploadTracing.SourceName],
            Meters = [ChunkUploadTracing.SourceName, Iot.Mqtt.MqttSessionMetrics.MeterName],
            ResourceAttributes = attributes,
        });
    }

    /// <summary>
    /// The cloud's last accepted configuration (persisted in the spool) goes below overrides and the command line, so
    /// start-up-only settings it changed take effect at this start while a technician can still pin a value locally.
    /// </summary>
    private static void InsertDesiredConfig(ConfigurationManager configuration, int sourcesAbove)
    {
        var spool = configuration[$"{AgentOptions.Section}:SpoolDirectory"];
        var path = Path.Combine(string.IsNullOrWhiteSpace(spool) ? new AgentOptions().SpoolDirectory : spool, DesiredConfigApplier.FileName);
        if (DesiredConfigApplier.Load(path) is not { } desired)
        {
            return;
        }

        var sources = (IList<IConfigurationSource>)((IConfigurationBuilder)configuration).Sources;
        sources.Insert(sources.Count - sourcesAbove, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = DesiredConfigLayer.Keys(desired) });
    }

    public static void AddAgent(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentOptions>().Bind(configuration.GetSection(AgentOptions.Section)).ValidateOnStart();
        services.AddOptions<AudioOptions>().Bind(configuration.GetSection(AudioOptions.Section)).ValidateOnStart();
        services.AddOptions<MqttOptions>().Bind(configuration.GetSection(MqttOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.AddSingleton<IValidateOptions<AudioOptions>, AudioOptionsValidator>();
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        services.AddOptions<RecordingOptions>().Bind(configuration.GetSection(RecordingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RecordingOptions>, RecordingOptionsValidator>();
        services.AddOptions<SpoolOptions>().Bind(configuration.GetSection(SpoolOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SpoolOptions>, SpoolOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ChunkOutbox(
            sp.GetRequiredService<IOptions<AgentOptions>>().Value.SpoolDirectory,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ChunkOutbox>>()));
        services.AddSingleton<RecorderStatus>();
        services.AddSingleton<MicStatus>();
        services.AddSingleton(sp => new RecordingPolicyStore(
            sp.GetRequiredService<IOptions<RecordingOptions>>().Value,
            sp.GetRequiredService<ChunkOutbox>().SpoolDirectory,
            sp.GetRequiredService<ILogger<RecordingPolicyStore>>()));
        services.AddSingleton<RecordingController>();
        services.AddSingleton<CommandDispatcher>();
        services.AddOptions<ProvisioningOptions>().Bind(configuration.GetSection(ProvisioningOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProvisioningOptions>, ProvisioningOptionsValidator>();
        services.AddOptions<HomeAssistantOptions>().Bind(configuration.GetSection(HomeAssistantOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HomeAssistantOptions>, HomeAssistantOptionsValidator>();
        services.AddSingleton<DeviceIdentityStore>();
        services.TryAddSingleton<IHardwareIdentity>(_ => new SystemHardwareIdentity());
        services.AddSingleton<ProvisioningClient>();
        services.AddSingleton<Reprovisioner>();
        services.AddSingleton<DesiredConfigApplier>();
        services.AddSingleton<HomeAssistantDiscovery>();
        services.AddSingleton<UplinkStatus>();
        services.AddSingleton<ChunkUploadTracing>();
        services.AddSingleton<ChunkUploader>();
        services.AddSingleton<InboundRouter>();
        services.AddSingleton<IAudioSourceFactory, ConfiguredAudioSourceFactory>();
        services.AddAlsaCapture(configuration);
        services.AddSpeechDetection(configuration);
        services.AddSingleton<IAudioSourceProvider>(sp => new AudioSourceProvider(
            "alsa",
            () => sp.GetRequiredService<AlsaCaptureFactory>().CreateSource(sp.GetRequiredService<MicStatus>()),
            OperatingSystem.IsLinux() ? null : "ALSA exists only on Linux"));
        services.AddWasapiCapture(configuration);
        services.AddSingleton(_ => new MqttClientFactory().CreateMqttClient());

        // Before the recorder: a configured but unusable Whisper model must stop start-up before recording begins.
        services.AddTranscription(configuration);
        services.AddHostedService<ChunkRecorder>();
        services.AddHostedService<ProvisioningService>();
        services.AddHostedService<UplinkService>();
        services.AddHostedService<TelemetryPublisher>();
        services.AddHostedService<SpoolJanitor>();
        if (WatchdogInterval.FromEnvironment() is { } watchdog)
        {
            services.AddSingleton(watchdog);
        }

        services.AddHostedService<SystemdWatchdog>();
        services.AddSingleton(sp => new AgentConditions { VadEngine = sp.GetRequiredService<SpeechDetectorFactory>().Engine });
        services.AddAgentGpio(configuration);
        services.AddAgentHealth(configuration);
        services.AddSingleton(new AgentEndpoints((endpoints, sp) => endpoints.MapAgentEvents(sp)));
    }
}
