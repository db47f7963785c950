using System.Device.Gpio;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Agent.Gpio;

/// <summary>
/// The opened pins: LEDs and buzzer as outputs (active high: GPIO → resistor → LED → ground), the button as an input
/// with the internal pull resistor. Writes only on change; a failing write is logged once per run of failures so a
/// loose HAT does not flood the journal ten times a second.
/// </summary>
internal sealed partial class StatusOutputs : IDisposable
{
    private readonly GpioController _gpio;
    private readonly GpioOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<int, PinValue> _written = [];
    private PinChangeEventHandler? _buttonHandler;
    private bool _failing;

    private StatusOutputs(GpioController gpio, GpioOptions options, ILogger logger)
    {
        _gpio = gpio;
        _options = options;
        _logger = logger;
    }

    /// <summary>Opens every configured pin; throws (after releasing the controller) when the hardware is not there.</summary>
    public static StatusOutputs Open(GpioController gpio, GpioOptions options, ILogger logger)
    {
        var outputs = new StatusOutputs(gpio, options, logger);
        try
        {
            foreach (var pin in outputs.OutputPins())
            {
                gpio.OpenPin(pin, PinMode.Output, PinValue.Low);
                outputs._written[pin] = PinValue.Low;
            }

            if (options.ButtonPin is { } button)
            {
                var pull = options.ButtonActiveLow ? PinMode.InputPullUp : PinMode.InputPullDown;
                if (!gpio.IsPinModeSupported(button, pull))
                {
                    LogNoPullResistor(logger, button, pull.ToString());
                    pull = PinMode.Input;
                }

                gpio.OpenPin(button, pull);
            }

            return outputs;
        }
        catch
        {
            gpio.Dispose();
            throw;
        }
    }

    public bool ButtonPressed => _gpio.Read(_options.ButtonPin!.Value) == (_options.ButtonActiveLow ? PinValue.Low : PinValue.High);

    public void WatchButton(Action onEdge)
    {
        _buttonHandler = (_, _) => onEdge();
        _gpio.RegisterCallbackForPinValueChangedEvent(_options.ButtonPin!.Value, PinEventTypes.Rising | PinEventTypes.Falling, _buttonHandler);
    }

    public void Show(BlinkStep lights)
    {
        try
        {
            Write(_options.StatusLedPin, lights.Status);
            if (_options.SecondLedPin is { } second)
            {
                Write(second, lights.Second);
            }

            if (_options.BuzzerPin is { } buzzer)
            {
                Write(buzzer, lights.Buzzer);
            }

            _failing = false;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            if (!_failing)
            {
                LogWriteFailed(_logger, ex);
                _failing = true;
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (_buttonHandler is not null)
            {
                _gpio.UnregisterCallbackForPinValueChangedEvent(_options.ButtonPin!.Value, _buttonHandler);
            }

            // Leave nothing lit or beeping behind: a dark LED after a stop is the honest signal.
            Show(default);
        }
        finally
        {
            _gpio.Dispose();
        }
    }

    private IEnumerable<int> OutputPins()
    {
        yield return _options.StatusLedPin;
        if (_options.SecondLedPin is { } second)
        {
            yield return second;
        }

        if (_options.BuzzerPin is { } buzzer)
        {
            yield return buzzer;
        }
    }

    private void Write(int pin, bool on)
    {
        var value = on ? PinValue.High : PinValue.Low;
        if (_written.TryGetValue(pin, out var last) && last == value)
        {
            return;
        }

        _gpio.Write(pin, value);
        _written[pin] = value;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "GPIO line {Pin} has no {Mode}; fit an external pull resistor for the button")]
    private static partial void LogNoPullResistor(ILogger logger, int pin, string mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the status LED/buzzer failed; further failures are not logged until a write succeeds")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
