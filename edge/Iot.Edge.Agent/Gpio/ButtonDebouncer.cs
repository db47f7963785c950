namespace Iot.Edge.Agent.Gpio;

/// <summary>
/// Turns raw button edges into presses. Every edge restarts a settle timer; only when the level has held for the
/// debounce time is it read and compared with the last stable level. A press held for the long-press time fires the
/// long press while still held (the technician sees the acknowledgement and lets go) and suppresses the short press
/// on release. A button already held when the agent starts counts as nothing until it is released.
/// </summary>
internal sealed class ButtonDebouncer : IDisposable
{
    private readonly Func<bool> _readPressed;
    private readonly TimeSpan _debounce;
    private readonly TimeSpan _longPress;
    private readonly TimeProvider _time;
    private readonly Action _onShortPress;
    private readonly Action _onLongPress;
    private readonly Lock _gate = new();
    private readonly ITimer _settle;
    private readonly ITimer _long;
    private bool _stablePressed;
    private bool _longFired;
    private long? _burstStart;
    private long _pressedAt;
    private bool _disposed;

    public ButtonDebouncer(Func<bool> readPressed, TimeSpan debounce, TimeSpan longPress, TimeProvider time, Action onShortPress, Action onLongPress)
    {
        _readPressed = readPressed;
        _debounce = debounce;
        _longPress = longPress;
        _time = time;
        _onShortPress = onShortPress;
        _onLongPress = onLongPress;
        _stablePressed = readPressed();
        _longFired = _stablePressed;
        _settle = time.CreateTimer(_ => Settle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _long = time.CreateTimer(_ => LongPressDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void OnEdge()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _burstStart ??= _time.GetTimestamp();
            _settle.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _settle.Dispose();
            _long.Dispose();
        }
    }

    private void Settle()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var burstStart = _burstStart ?? _time.GetTimestamp();
            _burstStart = null;
            var pressed = _readPressed();
            if (pressed == _stablePressed)
            {
                return;
            }

            _stablePressed = pressed;
            if (pressed)
            {
                // Held time counts from the first edge, not from when the bouncing stopped.
                _pressedAt = burstStart;
                _longFired = false;
                var remaining = _longPress - _time.GetElapsedTime(_pressedAt);
                _long.Change(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                return;
            }

            _long.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (!_longFired)
            {
                _onShortPress();
            }

            _longFired = false;
        }
    }

    private void LongPressDue()
    {
        lock (_gate)
        {
            // Re-checked because a timer callback can already be queued when a release cancels it.
            if (_disposed || !_stablePressed || _longFired || _time.GetElapsedTime(_pressedAt) < _longPress)
            {
                return;
            }

            _longFired = true;
            _onLongPress();
        }
    }
}
