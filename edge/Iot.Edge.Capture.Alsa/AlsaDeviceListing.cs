using Iot.Edge.Audio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Capture.Alsa;

/// <summary>
/// What a technician sees with <c>iot-agent --list-devices</c>: every capture device, whether it opens with the
/// configured format right now, and which one the agent would record from. Exit code 0 when that one opens.
/// </summary>
public static class AlsaDeviceListing
{
    public static async Task<int> WriteAsync(TextWriter output, IConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var options = new AlsaCaptureOptions();
        configuration.GetSection(AlsaCaptureOptions.Section).Bind(options);
        var validation = new AlsaCaptureOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            await output.WriteLineAsync("invalid configuration:\n  " + string.Join("\n  ", validation.Failures));
            return 2;
        }

        var alsa = options.Alsa;
        var catalog = new AlsaDeviceCatalog(Options.Create(options), new AlsaCaptureStats(), NullLoggerFactory.Instance);
        var devices = catalog.ListCaptureDevices();
        await output.WriteLineAsync($"ALSA capture devices: {devices.Count}");
        var opens = new HashSet<string>();
        foreach (var device in devices)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string state;
            try
            {
                await using var source = catalog.OpenCapture(device, alsa.SampleRate);
                state = $"opens at {alsa.SampleRate} Hz, period {source.PeriodFrames} frames, buffer {source.BufferFrames} frames";
                opens.Add(device.Id);
            }
            catch (AlsaException ex)
            {
                state = "does not open: " + ex.Message;
            }

            await output.WriteLineAsync($"  {device.Id}{(device.IsUsb ? " [usb]" : "")}  \"{device.Name}\"  {device.OpenName}  {state}");
        }

        if (devices.Count == 0)
        {
            await output.WriteLineAsync("  (no sound card with a capture device: is the microphone plugged in? 'arecord -l' lists the same)");
        }

        await output.WriteLineAsync($"{AlsaDeviceOptions.Section}:Device = {(alsa.Device is null ? "(unset: first USB device, else the first)" : $"'{alsa.Device}'")}");
        var chosen = new DeviceSelector(alsa.Device, options.AllowOtherDevice).Choose(devices, pinnedId: null);
        if (chosen is null)
        {
            await output.WriteLineAsync("The agent would wait: no capture device matches.");
            return 1;
        }

        await output.WriteLineAsync($"The agent would record from: {chosen.Id} ({chosen.OpenName})");
        return opens.Contains(chosen.Id) ? 0 : 1;
    }
}
