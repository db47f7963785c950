namespace Iot.Edge.Agent.Gpio;

/// <summary>
/// "Show me your health code" from afar (the <c>blink</c> command): the same as a short button press. The status LED
/// service attaches a handler only while it drives real pins, so <see cref="Request"/> says whether anything blinked.
/// </summary>
public sealed class HealthCodeBlinkRequest
{
    private Action? _handler;

    public void Attach(Action handler) => Volatile.Write(ref _handler, handler);

    public void Detach() => Volatile.Write(ref _handler, null);

    public bool Request()
    {
        var handler = Volatile.Read(ref _handler);
        handler?.Invoke();
        return handler is not null;
    }
}
