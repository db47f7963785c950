using System.Text.Json;
using Iot.Edge.Agent.Hosting;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Agent.Recording;

/// <summary>
/// The recording policy in force. Starts from the last policy the cloud pushed (cached in the spool as
/// <c>recording-policy.json</c>, so a reboot without network keeps the branch's rules), else from local configuration.
/// </summary>
public sealed partial class RecordingPolicyStore
{
    public const string FileName = "recording-policy.json";
    private readonly string _path;
    private readonly ILogger<RecordingPolicyStore> _logger;
    private volatile RecordingPolicy _current;

    public RecordingPolicyStore(RecordingOptions configured, string spoolDirectory, ILogger<RecordingPolicyStore> logger)
    {
        _path = Path.Combine(spoolDirectory, FileName);
        _logger = logger;
        _current = LoadCached() ?? RecordingPolicy.From(configured);
    }

    public RecordingPolicy Current => _current;

    /// <summary>Validates, applies and caches a new policy; a bad one is refused and the current one kept.</summary>
    public void Update(RecordingOptions options)
    {
        var policy = RecordingPolicy.From(options);
        var temp = _path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, options, AgentJsonContext.Default.RecordingOptions);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
        _current = policy;
    }

    private RecordingPolicy? LoadCached()
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        try
        {
            var options = JsonSerializer.Deserialize(File.ReadAllBytes(_path), AgentJsonContext.Default.RecordingOptions);
            return options is null ? null : RecordingPolicy.From(options);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or TimeZoneNotFoundException or IOException)
        {
            LogCacheUnreadable(ex, _path);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cached recording policy {Path} is unreadable; using local configuration")]
    private partial void LogCacheUnreadable(Exception exception, string path);
}
