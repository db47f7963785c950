using Microsoft.Extensions.Options;

namespace Iot.Edge.Capture.Alsa;

/// <summary>Start-up checks for the ALSA keys; every failure starts with the full key so an installer can fix the file.</summary>
public sealed class AlsaCaptureOptionsValidator : IValidateOptions<AlsaCaptureOptions>
{
    /// <summary>The rates the Opus encoder accepts, so capture never needs a second resampler.</summary>
    public static readonly IReadOnlyList<int> SampleRates = [8000, 12000, 16000, 24000, 48000];

    public ValidateOptionsResult Validate(string? name, AlsaCaptureOptions options)
    {
        var errors = new List<string>();
        const string s = AlsaDeviceOptions.Section;
        var o = options.Alsa;
        if (o.Device is not null && (string.IsNullOrWhiteSpace(o.Device) || o.Device.Any(char.IsControl) || o.Device.Length > 256))
        {
            errors.Add($"{s}:Device '{o.Device}' must be a card id, part of a card name or an ALSA PCM name (see iot-agent --list-devices), or be left out");
        }

        if (!SampleRates.Contains(o.SampleRate))
        {
            errors.Add($"{s}:SampleRate {o.SampleRate} must be one of {string.Join(", ", SampleRates)}");
        }
        else if (o.PeriodFrames < o.SampleRate / 100 || o.PeriodFrames > o.SampleRate)
        {
            errors.Add($"{s}:PeriodFrames {o.PeriodFrames} must be {o.SampleRate / 100}..{o.SampleRate} (10 ms to 1 s at {o.SampleRate} Hz)");
        }

        if (o.BufferPeriods is < 2 or > 32)
        {
            errors.Add($"{s}:BufferPeriods {o.BufferPeriods} must be 2..32");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
