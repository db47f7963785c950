using Iot.Edge.Agent.Hosting;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace Iot.Edge.Tests.Hosting;

public sealed class AgentTelemetryTests
{
    [Fact]
    public void Without_an_endpoint_no_opentelemetry_sdk_is_registered_so_no_span_is_ever_created()
    {
        using var dir = new TempDirectory();
        using var host = AgentHost.CreateBuilder([], new Dictionary<string, string?> { ["Agent:SpoolDirectory"] = dir.Path }).Build();

        Assert.Null(host.Services.GetService<TracerProvider>());
    }

    [Fact]
    public void With_an_endpoint_the_agent_exports_traces()
    {
        using var dir = new TempDirectory();
        using var host = AgentHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Agent:SpoolDirectory"] = dir.Path,
            ["OpenTelemetry:Otlp:Endpoint"] = "http://127.0.0.1:4318",
        }).Build();

        Assert.NotNull(host.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData("OpenTelemetry:Otlp:Endpoint", "collector:4318", "OpenTelemetry:Otlp:Endpoint 'collector:4318'")]
    [InlineData("OpenTelemetry:Otlp:Endpoint", "udp://collector:4318", "OpenTelemetry:Otlp:Endpoint")]
    [InlineData("OpenTelemetry:Otlp:Endpoint", "/v1/traces", "OpenTelemetry:Otlp:Endpoint")]
    [InlineData("OpenTelemetry:Otlp:Protocol", "thrift", "OpenTelemetry:Otlp:Protocol 'thrift'")]
    [InlineData("OpenTelemetry:Otlp:ExportIntervalMilliseconds", "5", "OpenTelemetry:Otlp:ExportIntervalMilliseconds")]
    [InlineData("OpenTelemetry:Otlp:Headers", "api-key", "OpenTelemetry:Otlp:Headers")]
    public void A_bad_telemetry_setting_stops_start_up_and_names_its_key(string key, string value, string named)
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Agent:SpoolDirectory"] = dir.Path, [key] = value };
        if (key != "OpenTelemetry:Otlp:Endpoint")
        {
            settings["OpenTelemetry:Otlp:Endpoint"] = "http://collector:4318";
        }

        var ex = Assert.Throws<OptionsValidationException>(() => AgentHost.CreateBuilder([], settings));

        Assert.Contains(ex.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Fact]
    public void An_otlp_setting_without_an_endpoint_is_refused_rather_than_silently_ignored()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => AgentHost.CreateBuilder([], new Dictionary<string, string?> { ["OpenTelemetry:Otlp:Protocol"] = "Grpc" }));

        Assert.Contains(ex.Failures, f => f.StartsWith("OpenTelemetry:Otlp:Protocol is set but OpenTelemetry:Otlp:Endpoint is not", StringComparison.Ordinal));
    }
}
