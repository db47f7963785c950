using Microsoft.Extensions.Options;

namespace Iot.Edge.Capture.Windows;

/// <summary>Start-up checks for the Windows capture keys; every failure starts with the full key.</summary>
public sealed class WasapiCaptureOptionsValidator : IValidateOptions<WasapiCaptureOptions>
{
    /// <summary>The rates the Opus encoder accepts, so the recorder never resamples again.</summary>
    public static readonly IReadOnlyList<int> SampleRates = [8000, 12000, 16000, 24000, 48000];

    public ValidateOptionsResult Validate(string? name, WasapiCaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string s = WasapiDeviceOptions.Section;
        var o = options.Wasapi;
        if (o.Device is not null && (string.IsNullOrWhiteSpace(o.Device) || o.Device.Any(char.IsControl) || o.Device.Length > 512))
        {
            errors.Add($"{s}:Device '{o.Device}' must be an endpoint id or part of a microphone name (see iot-agent --list-devices), or be left out");
        }

        if (!SampleRates.Contains(o.SampleRate))
        {
            errors.Add($"{s}:SampleRate {o.SampleRate} must be one of {string.Join(", ", SampleRates)}");
        }

        if (o.BufferSeconds is < 0.1 or > 60 || double.IsNaN(o.BufferSeconds))
        {
            errors.Add($"{s}:BufferSeconds {o.BufferSeconds} must be 0.1..60");
        }

        if (o.StallSeconds is < 1 or > 300 || double.IsNaN(o.StallSeconds))
        {
            errors.Add($"{s}:StallSeconds {o.StallSeconds} must be 1..300");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
