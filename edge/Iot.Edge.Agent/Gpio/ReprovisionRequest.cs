using Microsoft.Extensions.Logging;

namespace Iot.Edge.Agent.Gpio;

/// <summary>Logs every request and raises <see cref="Requested"/>; says so when nothing is wired to act on it.</summary>
public sealed partial class ReprovisionRequest(ILogger<ReprovisionRequest> logger) : IReprovisionRequest
{
    private int _count;

    public event Action<string>? Requested;

    public int Count => Volatile.Read(ref _count);

    public void Request(string source)
    {
        Interlocked.Increment(ref _count);
        var handlers = Requested;
        LogRequested(source, handlers is not null);
        handlers?.Invoke(source);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-provisioning requested by {Source} (handled: {Handled})")]
    private partial void LogRequested(string source, bool handled);
}
