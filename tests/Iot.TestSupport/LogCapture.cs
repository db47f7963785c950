using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace Iot.TestSupport;

/// <summary>
/// Every event a cloud host logs, whatever its configured sinks: register it as a singleton <see cref="ILogEventSink"/>
/// in the host's services (CloudHost reads sinks from the container). Thread-safe; events arriving after the host was
/// disposed are still recorded, so a late shutdown fault is not missed.
/// </summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> Events => [.. _events];

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>Events at <paramref name="level"/> or above.</summary>
    public IReadOnlyList<LogEvent> AtOrAbove(LogEventLevel level) => [.. _events.Where(e => e.Level >= level)];

    public static string Describe(IEnumerable<LogEvent> events) => string.Join(
        Environment.NewLine,
        events.Select(e => $"[{e.Level}] {(e.Properties.TryGetValue("SourceContext", out var source) ? source + ": " : "")}{e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)}{(e.Exception is null ? "" : " | " + e.Exception.GetType().Name + ": " + e.Exception.Message + OwnFrame(e.Exception))}"));

    /// <summary>The first stack frame in the project's code, so a failure names the service that threw.</summary>
    private static string OwnFrame(Exception exception) =>
        exception.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at Iot.", StringComparison.Ordinal) && !l.StartsWith("at Iot.TestSupport.", StringComparison.Ordinal)) is { } frame ? " (" + frame + ")" : "";
}
