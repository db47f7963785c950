using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;

namespace Iot.Telemetry;

/// <summary>
/// The <c>OpenTelemetry</c> section: traces and metrics go to an OTLP receiver (usually an OpenTelemetry Collector)
/// only when <c>OpenTelemetry:Otlp:Endpoint</c> is set. Read from <see cref="IConfiguration"/> while the host is being
/// composed, not through IOptions, because whether the SDK is registered at all depends on it; a bad value fails
/// start-up with its key named, like every other option (callers turn the exception into exit code 2).
/// </summary>
public sealed record TelemetrySettings(Uri Endpoint, OtlpExportProtocol Protocol, int ExportIntervalMilliseconds, string? Headers, string? ServiceInstanceId)
{
    public const string Section = "OpenTelemetry";

    /// <summary>Null when no endpoint is configured: no SDK, no listener, no spans are even created.</summary>
    public static TelemetrySettings? FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var otlp = section.GetSection("Otlp");
        var errors = new List<string>();
        var endpointText = otlp["Endpoint"];
        if (string.IsNullOrWhiteSpace(endpointText))
        {
            foreach (var stray in otlp.GetChildren().Where(c => c.Value is { Length: > 0 }))
            {
                errors.Add($"{stray.Path} is set but {otlp.Path}:Endpoint is not; without an endpoint nothing is exported");
            }

            return errors.Count == 0 ? null : throw Invalid(errors);
        }

        Uri? endpoint = null;
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || string.IsNullOrEmpty(parsed.Host)
            || parsed.Query.Length > 0 || parsed.Fragment.Length > 0 || parsed.UserInfo.Length > 0)
        {
            // Echoed only without an '@': a mistyped address may still carry a password, and this line goes to the logs.
            var shown = endpointText.Contains('@', StringComparison.Ordinal) ? "(not shown: it holds credentials)" : $"'{endpointText}'";
            errors.Add($"{otlp.Path}:Endpoint {shown} must be an http:// or https:// address of an OTLP receiver, e.g. http://collector:4318 (no query, no credentials: use {otlp.Path}:Headers)");
        }
        else
        {
            endpoint = parsed;
        }

        var protocol = OtlpExportProtocol.HttpProtobuf;
        switch (otlp["Protocol"]?.Trim().ToUpperInvariant())
        {
            case null or "" or "HTTPPROTOBUF" or "HTTP/PROTOBUF":
                break;
            case "GRPC":
                protocol = OtlpExportProtocol.Grpc;
                break;
            default:
                errors.Add($"{otlp.Path}:Protocol '{otlp["Protocol"]}' must be HttpProtobuf (port 4318) or Grpc (port 4317)");
                break;
        }

        var interval = 5000;
        if (otlp["ExportIntervalMilliseconds"] is { Length: > 0 } intervalText
            && (!int.TryParse(intervalText, NumberStyles.Integer, CultureInfo.InvariantCulture, out interval) || interval < 100 || interval > 600_000))
        {
            errors.Add($"{otlp.Path}:ExportIntervalMilliseconds '{intervalText}' must be a whole number from 100 to 600000");
        }

        var headers = otlp["Headers"];
        if (!string.IsNullOrWhiteSpace(headers) && headers.Split(',').Any(h => h.IndexOf('=', StringComparison.Ordinal) <= 0))
        {
            // Not echoed: headers usually carry a collector's API key.
            errors.Add($"{otlp.Path}:Headers must be name=value pairs separated by commas");
        }

        var instance = section["ServiceInstanceId"];
        if (instance is not null && (instance.Length is 0 or > 128 || instance.Any(char.IsControl)))
        {
            errors.Add($"{section.Path}:ServiceInstanceId must be 1..128 printable characters");
        }

        return errors.Count > 0
            ? throw Invalid(errors)
            : new TelemetrySettings(endpoint!, protocol, interval, string.IsNullOrWhiteSpace(headers) ? null : headers, instance);
    }

    /// <summary>
    /// The address for one signal. With HTTP/protobuf the OTLP exporter takes a programmatic endpoint as the full URL,
    /// so the standard <c>/v1/traces</c> or <c>/v1/metrics</c> path is added here (unless the path already ends so).
    /// </summary>
    public Uri SignalEndpoint(string signal)
    {
        if (Protocol == OtlpExportProtocol.Grpc)
        {
            return Endpoint;
        }

        var path = Endpoint.AbsolutePath.TrimEnd('/');
        return path.EndsWith("/v1/" + signal, StringComparison.Ordinal) ? Endpoint : new UriBuilder(Endpoint) { Path = path + "/v1/" + signal }.Uri;
    }

    internal void Apply(OtlpExporterOptions exporter, string signal)
    {
        exporter.Endpoint = SignalEndpoint(signal);
        exporter.Protocol = Protocol;
        if (Headers is not null)
        {
            exporter.Headers = Headers;
        }
    }

    private static OptionsValidationException Invalid(List<string> errors) => new(Section, typeof(TelemetrySettings), errors);
}
