namespace Iot.Edge.Agent.Gpio;

/// <summary>
/// Section <c>Gpio</c>: the technician's status LED, buzzer and button. Pin numbers are BCM (GPIO line) numbers on
/// <see cref="Chip"/>, not header pin positions. Off by default: desk PCs have no GPIO.
/// </summary>
public sealed class GpioOptions
{
    public const string Section = "Gpio";

    public bool Enabled { get; set; }

    /// <summary>gpiochip number for libgpiod; 0 on every Raspberry Pi (Pi 5 on kernels before 6.6.45: 4).</summary>
    public int Chip { get; set; }

    public int StatusLedPin { get; set; } = 17;

    public int? SecondLedPin { get; set; }

    public int? BuzzerPin { get; set; }

    public int? ButtonPin { get; set; }

    /// <summary>True for a button wired to ground (the internal pull-up is enabled); false for one wired to 3.3 V.</summary>
    public bool ButtonActiveLow { get; set; } = true;

    public double LongPressSeconds { get; set; } = 5;

    /// <summary>A level must hold this long before it counts: contacts of cheap push buttons chatter for a few ms.</summary>
    public int DebounceMilliseconds { get; set; } = 30;
}
