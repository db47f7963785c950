using System.Device.Gpio;
using System.Device.Gpio.Drivers;

namespace Iot.Edge.Agent.Gpio;

/// <summary>
/// libgpiod (character device) on Linux, the chip chosen by <see cref="GpioOptions.Chip"/>; the library's own choice
/// elsewhere, which on a desk PC throws, and the status LED service then stands down.
/// </summary>
internal sealed class SystemGpioControllerFactory : IGpioControllerFactory
{
    public GpioController Open(GpioOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new GpioController();
        }

        var driver = new LibGpiodDriver(options.Chip);
        try
        {
            return new GpioController(driver);
        }
        catch
        {
            driver.Dispose();
            throw;
        }
    }
}
