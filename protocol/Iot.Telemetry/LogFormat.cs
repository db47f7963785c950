using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Formatting.Compact;

namespace Iot.Telemetry;

/// <summary>
/// <c>Serilog:Format</c>: <c>json</c> writes one compact JSON event per line (CLEF: <c>@t</c>, <c>@mt</c>, <c>@m</c>,
/// <c>@l</c>, <c>@tr</c>/<c>@sp</c> = trace/span id of the current span, then every property such as <c>ChunkId</c>),
/// for a log shipper; <c>text</c> writes readable lines with the trace id, for a person at a terminal.
/// </summary>
public enum LogFormat
{
    Json,
    Text,
}

public static class LogFormats
{
    public const string Key = "Serilog:Format";

    /// <summary>Readable, and still joinable to traces: the trace id is on every line that has one.</summary>
    public const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj} {TraceId}{NewLine}{Exception}";

    /// <summary>The configured format, <paramref name="fallback"/> when unset; a bad value fails start-up naming the key.</summary>
    public static LogFormat? Read(IConfiguration configuration, LogFormat? fallback)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[Key]?.Trim().ToUpperInvariant() switch
        {
            null or "" => fallback,
            "JSON" => LogFormat.Json,
            "TEXT" => LogFormat.Text,
            _ => throw new OptionsValidationException(Key, typeof(LogFormat), [$"{Key} '{configuration[Key]}' must be json or text"]),
        };
    }

    public static LoggerConfiguration Console(this LoggerConfiguration logger, LogFormat format)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return format == LogFormat.Json
            ? logger.WriteTo.Console(new RenderedCompactJsonFormatter())
            : logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
    }
}
