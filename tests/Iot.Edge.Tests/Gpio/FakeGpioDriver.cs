using System.Device.Gpio;

namespace Iot.Edge.Tests.Gpio;

/// <summary>
/// A GPIO chip that cannot exist on a test machine, behind the driver interface libgpiod implements: records every
/// output write with the fake clock's time and lets a test move input levels, raising edges like the kernel does.
/// </summary>
internal sealed class FakeGpioDriver(TimeProvider time, int pinCount = 28) : GpioDriver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, PinValue> _levels = [];
    private readonly List<(int Pin, PinEventTypes Types, PinChangeEventHandler Handler)> _callbacks = [];
    private readonly List<PinWrite> _writes = [];

    public HashSet<PinMode> UnsupportedModes { get; } = [];

    public bool Disposed { get; private set; }

    public IReadOnlyDictionary<int, PinMode> OpenPins
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<int, PinMode>(_modes);
            }
        }
    }

    public int CallbackCount
    {
        get
        {
            lock (_gate)
            {
                return _callbacks.Count;
            }
        }
    }

    public IReadOnlyList<PinWrite> Writes
    {
        get
        {
            lock (_gate)
            {
                return _writes.ToList();
            }
        }
    }

    protected override int PinCount => pinCount;

    /// <summary>Moves an input to <paramref name="level"/>; a change raises Rising or Falling to matching callbacks.</summary>
    public void SetInput(int pin, PinValue level)
    {
        List<PinChangeEventHandler> toCall;
        PinEventTypes edge;
        lock (_gate)
        {
            var old = _levels.GetValueOrDefault(pin, PinValue.Low);
            _levels[pin] = level;
            if (old == level)
            {
                return;
            }

            edge = level == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            toCall = _callbacks.Where(c => c.Pin == pin && (c.Types & edge) != 0).Select(c => c.Handler).ToList();
        }

        foreach (var handler in toCall)
        {
            handler(this, new PinValueChangedEventArgs(edge, pin));
        }
    }

    protected override void OpenPin(int pinNumber)
    {
        lock (_gate)
        {
            if (pinNumber < 0 || pinNumber >= pinCount)
            {
                throw new ArgumentOutOfRangeException(nameof(pinNumber), pinNumber, "no such line on the fake chip");
            }

            _modes[pinNumber] = PinMode.Input;
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            _modes.Remove(pinNumber);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            _modes[pinNumber] = mode;
            if (mode is PinMode.InputPullUp or PinMode.InputPullDown && !_levels.ContainsKey(pinNumber))
            {
                _levels[pinNumber] = mode == PinMode.InputPullUp ? PinValue.High : PinValue.Low;
            }
        }
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            return _modes[pinNumber];
        }
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => !UnsupportedModes.Contains(mode);

    protected override PinValue Read(int pinNumber)
    {
        lock (_gate)
        {
            return _levels.GetValueOrDefault(pinNumber, PinValue.Low);
        }
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_gate)
        {
            if (_modes.GetValueOrDefault(pinNumber, PinMode.Input) != PinMode.Output)
            {
                throw new InvalidOperationException($"line {pinNumber} is not an output");
            }

            _levels[pinNumber] = value;
            _writes.Add(new PinWrite(time.GetUtcNow(), pinNumber, value == PinValue.High));
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the agent listens with callbacks");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            _callbacks.Add((pinNumber, eventTypes, callback));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            _callbacks.RemoveAll(c => c.Pin == pinNumber && c.Handler == callback);
        }
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}

internal sealed record PinWrite(DateTimeOffset At, int Pin, bool High);
