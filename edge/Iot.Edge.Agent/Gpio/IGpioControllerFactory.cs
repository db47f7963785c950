using System.Device.Gpio;

namespace Iot.Edge.Agent.Gpio;

/// <summary>Where the GPIO controller comes from: libgpiod on Linux; tests hand in a controller over their own driver.</summary>
public interface IGpioControllerFactory
{
    /// <summary>Throws when the machine has no usable GPIO (no libgpiod, no gpiochip, no permission).</summary>
    GpioController Open(GpioOptions options);
}
