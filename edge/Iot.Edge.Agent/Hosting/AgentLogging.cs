using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Iot.Telemetry;

namespace Iot.Edge.Agent.Hosting;

/// <summary>
/// The agent's Serilog set-up from the <c>Serilog</c> section: minimum levels (Serilog's usual keys) and an optional
/// rolling file. Read here rather than by Serilog.Settings.Configuration because that reader finds sinks and their
/// arguments by reflection over loaded assemblies, which the NativeAOT build trims away without a word: a configured
/// file sink would simply not exist. Reading the few keys the agent supports keeps them working and checked at start-up.
/// </summary>
public sealed record AgentLogging(
    LogEventLevel Default,
    IReadOnlyDictionary<string, LogEventLevel> Overrides,
    AgentLogFile? File)
{
    /// <summary><c>Serilog:Format</c>: console lines as compact JSON (the default) or text. The file is always JSON.</summary>
    public LogFormat Format { get; init; } = LogFormat.Json;

    public const string Section = "Serilog";

    /// <summary>Parses the section; a bad value fails start-up with its key named, like every other option.</summary>
    public static AgentLogging FromConfiguration(IConfiguration configuration)
    {
        var errors = new List<string>();
        var section = configuration.GetSection(Section);
        var minimum = section.GetSection("MinimumLevel");
        var defaultLevel = Level(minimum.Value is { Length: > 0 } ? minimum : minimum.GetSection("Default"), LogEventLevel.Information, errors);
        var overrides = minimum.GetSection("Override").GetChildren()
            .ToDictionary(child => child.Key, child => Level(child, LogEventLevel.Information, errors), StringComparer.Ordinal);
        var file = AgentLogFile.FromConfiguration(section.GetSection("File"), errors);
        var format = LogFormat.Json;
        try
        {
            format = LogFormats.Read(configuration, LogFormat.Json)!.Value;
        }
        catch (OptionsValidationException ex)
        {
            errors.AddRange(ex.Failures);
        }

        foreach (var unsupported in new[] { "Using", "WriteTo", "Enrich", "Filter" }.Where(key => section.GetSection(key).Exists()))
        {
            errors.Add($"{Section}:{unsupported} is not read by the agent; use {Section}:MinimumLevel and {Section}:File:* (edge/README.md \"Logs\")");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Section, typeof(AgentLogging), errors);
        }

        return new AgentLogging(defaultLevel, overrides, file) { Format = format };
    }

    public LoggerConfiguration Apply(LoggerConfiguration logger)
    {
        logger.MinimumLevel.Is(Default).Enrich.FromLogContext().Console(Format);
        foreach (var (source, level) in Overrides)
        {
            logger.MinimumLevel.Override(source, level);
        }

        if (File is { } file)
        {
            logger.WriteTo.File(
                new RenderedCompactJsonFormatter(),
                file.Path,
                fileSizeLimitBytes: file.FileSizeLimitBytes,
                rollingInterval: file.RollingInterval,
                rollOnFileSizeLimit: file.RollOnFileSizeLimit,
                retainedFileCountLimit: file.RetainedFileCountLimit);
        }

        return logger;
    }

    private static LogEventLevel Level(IConfigurationSection key, LogEventLevel fallback, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(key.Value))
        {
            return fallback;
        }

        if (Enum.TryParse<LogEventLevel>(key.Value, ignoreCase: true, out var level) && Enum.IsDefined(level) && !int.TryParse(key.Value, out _))
        {
            return level;
        }

        errors.Add($"{key.Path} '{key.Value}' must be one of {string.Join(", ", Enum.GetNames<LogEventLevel>())}");
        return fallback;
    }
}

/// <summary>A rolling log file of compact JSON events, one per line (what a Windows service needs: it has no console).</summary>
public sealed record AgentLogFile(string Path, RollingInterval RollingInterval, long FileSizeLimitBytes, bool RollOnFileSizeLimit, int RetainedFileCountLimit)
{
    public static AgentLogFile? FromConfiguration(IConfigurationSection section, List<string> errors)
    {
        var path = section["Path"];
        if (string.IsNullOrWhiteSpace(path))
        {
            foreach (var stray in section.GetChildren().Where(child => child.Value is { Length: > 0 }))
            {
                errors.Add($"{stray.Path} is set but {section.Path}:Path is not; without a path there is no log file");
            }

            return null;
        }

        var interval = RollingInterval.Day;
        if (section["RollingInterval"] is { Length: > 0 } text
            && (!Enum.TryParse(text, ignoreCase: true, out interval) || !Enum.IsDefined(interval) || int.TryParse(text, out _)))
        {
            errors.Add($"{section.Path}:RollingInterval '{text}' must be one of {string.Join(", ", Enum.GetNames<RollingInterval>())}");
        }

        var sizeLimit = Number(section, "FileSizeLimitBytes", 10L * 1024 * 1024, 1024, long.MaxValue, errors);
        var retained = Number(section, "RetainedFileCountLimit", 14, 1, 100_000, errors);
        var roll = true;
        if (section["RollOnFileSizeLimit"] is { Length: > 0 } rollText && !bool.TryParse(rollText, out roll))
        {
            errors.Add($"{section.Path}:RollOnFileSizeLimit '{rollText}' must be true or false");
        }

        return new AgentLogFile(path, interval, sizeLimit, roll, (int)retained);
    }

    private static long Number(IConfigurationSection section, string key, long fallback, long min, long max, List<string> errors)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"{section.Path}:{key} '{text}' must be a whole number from {min} to {max}");
        return fallback;
    }
}
