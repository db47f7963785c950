using Iot.Edge.Audio;
using Microsoft.Extensions.Configuration;

namespace Iot.Edge.Capture.Windows;

/// <summary>
/// What a technician sees with <c>iot-agent --list-devices</c> on Windows: every active capture endpoint with its id,
/// whether it delivers audio right now and through which API, and which one the agent would record from.
/// Exit code 0 when that one delivers.
/// </summary>
public static class WasapiDeviceListing
{
    private static readonly TimeSpan ProbeTime = TimeSpan.FromSeconds(2);

    public static async Task<int> WriteAsync(TextWriter output, IConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var options = new WasapiCaptureOptions();
        configuration.GetSection(WasapiCaptureOptions.Section).Bind(options);
        var validation = new WasapiCaptureOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            await output.WriteLineAsync("invalid configuration:\n  " + string.Join("\n  ", validation.Failures)).ConfigureAwait(false);
            return 2;
        }

        if (!OperatingSystem.IsWindows())
        {
            await output.WriteLineAsync("WASAPI capture exists only on Windows").ConfigureAwait(false);
            return 1;
        }

        return await WriteAsync(output, new WasapiDeviceCatalog(TimeProvider.System), options, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<int> WriteAsync(TextWriter output, IAudioDeviceCatalog catalog, WasapiCaptureOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        var devices = catalog.ListCaptureDevices();
        var chosen = new DeviceSelector(options.Wasapi.Device, options.AllowOtherDevice).Choose(devices, pinnedId: null);
        await output.WriteLineAsync($"WASAPI capture endpoints: {devices.Count}").ConfigureAwait(false);
        var chosenDelivers = false;
        foreach (var device in devices)
        {
            var (delivers, state) = await ProbeAsync(catalog, device, options.Wasapi.SampleRate, cancellationToken).ConfigureAwait(false);
            var mark = device == chosen ? "*" : " ";
            chosenDelivers |= device == chosen && delivers;
            await output.WriteLineAsync($"{mark} {device.Name}{(device.IsUsb ? " [USB]" : "")}\n    id {device.Id}\n    {state}").ConfigureAwait(false);
        }

        await output.WriteLineAsync(chosen is null
            ? $"No endpoint matches {WasapiDeviceOptions.Section}:Device '{options.Wasapi.Device}'"
            : $"Would record: {chosen.Name} (* above); set {WasapiDeviceOptions.Section}:Device to an id or name part to choose another").ConfigureAwait(false);
        return chosenDelivers ? 0 : 1;
    }

    private static async Task<(bool Delivers, string State)> ProbeAsync(IAudioDeviceCatalog catalog, AudioDeviceInfo device, int sampleRate, CancellationToken cancellationToken)
    {
        try
        {
            await using var source = catalog.Open(device, sampleRate);
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            probe.CancelAfter(ProbeTime);
            var read = await source.ReadAsync(new short[sampleRate / 10], probe.Token).ConfigureAwait(false);
            return (read > 0, $"delivers audio: {source.Name}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"opens, but no audio within {ProbeTime.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or NotSupportedException or UnauthorizedAccessException)
        {
            return (false, "fails: " + ex.Message);
        }
    }
}
