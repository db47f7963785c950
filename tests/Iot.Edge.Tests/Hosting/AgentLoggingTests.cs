using Iot.Edge.Agent.Hosting;
using Iot.Telemetry;
using Iot.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;

namespace Iot.Edge.Tests.Hosting;

public sealed class AgentLoggingTests
{
    [Fact]
    public void Levels_come_from_the_usual_serilog_keys_with_overrides_per_source()
    {
        var logging = Parse(new()
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:Iot.Edge.Agent.Recording"] = "debug",
        });

        Assert.Equal(LogEventLevel.Warning, logging.Default);
        Assert.Equal(LogEventLevel.Debug, logging.Overrides["Iot.Edge.Agent.Recording"]);
        Assert.Null(logging.File);
        Assert.Equal(LogEventLevel.Error, Parse(new() { ["Serilog:MinimumLevel"] = "Error" }).Default);
    }

    [Fact]
    public void A_configured_file_receives_compact_json_events_at_the_configured_levels()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "agent.log");
        var logging = Parse(new()
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:Chatty"] = "Debug",
            ["Serilog:File:Path"] = path,
            ["Serilog:File:RollingInterval"] = "Infinite",
        });

        using (var logger = logging.Apply(new LoggerConfiguration()).CreateLogger())
        {
            logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Quiet").Information("dropped");
            logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Quiet").Warning("kept {N}", 1);
            logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Chatty").Debug("kept too");
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"@m\":\"kept 1\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"@m\":\"kept too\"", lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Serilog:MinimumLevel:Default", "Loud", "Serilog:MinimumLevel:Default 'Loud'")]
    [InlineData("Serilog:MinimumLevel:Default", "3", "Serilog:MinimumLevel:Default '3'")]
    [InlineData("Serilog:MinimumLevel:Override:Iot", "Chatty", "Serilog:MinimumLevel:Override:Iot 'Chatty'")]
    [InlineData("Serilog:File:RollingInterval", "Weekly", "Serilog:File:RollingInterval")]
    [InlineData("Serilog:File:FileSizeLimitBytes", "ten", "Serilog:File:FileSizeLimitBytes")]
    [InlineData("Serilog:File:RetainedFileCountLimit", "0", "Serilog:File:RetainedFileCountLimit")]
    [InlineData("Serilog:File:RollOnFileSizeLimit", "maybe", "Serilog:File:RollOnFileSizeLimit")]
    [InlineData("Serilog:WriteTo:0:Name", "Seq", "Serilog:WriteTo is not read")]
    [InlineData("Serilog:Format", "xml", "Serilog:Format 'xml' must be json or text")]
    public void A_bad_logging_value_stops_start_up_and_names_its_key(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.StartsWith("Serilog:File:", StringComparison.Ordinal))
        {
            settings["Serilog:File:Path"] = "/tmp/agent.log";
        }

        var ex = Assert.Throws<OptionsValidationException>(() => Parse(settings));

        Assert.Contains(ex.Failures, f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, LogFormat.Json)]
    [InlineData("json", LogFormat.Json)]
    [InlineData("Text", LogFormat.Text)]
    public void The_console_format_is_json_unless_text_is_asked_for(string? value, LogFormat expected)
    {
        Assert.Equal(expected, Parse(new() { ["Serilog:Format"] = value }).Format);
    }

    [Fact]
    public void File_settings_without_a_path_are_refused_rather_than_ignored()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Parse(new() { ["Serilog:File:RollingInterval"] = "Day" }));

        Assert.Contains(ex.Failures, f => f.Contains("Serilog:File:Path is not", StringComparison.Ordinal));
    }

    [Fact]
    public void The_windows_service_config_parses_to_a_daily_rolling_file()
    {
        var config = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.Root, "edge", "windows", "iot-agent.windows.json"))
            .Build();

        var file = AgentLogging.FromConfiguration(config).File;

        Assert.NotNull(file);
        Assert.Equal((RollingInterval.Day, 14, 10L * 1024 * 1024), (file.RollingInterval, file.RetainedFileCountLimit, file.FileSizeLimitBytes));
    }

    private static AgentLogging Parse(Dictionary<string, string?> settings) =>
        AgentLogging.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
