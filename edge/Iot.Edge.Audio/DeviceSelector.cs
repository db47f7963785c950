namespace Iot.Edge.Audio;

/// <summary>
/// Chooses which microphone to record. Rules: a configured name wins (matched against id or name); otherwise the
/// first USB capture device (a desk mic), otherwise the first device. Once a microphone has been used, only that
/// same microphone (by id) is taken again, unless <see cref="AllowOtherDevice"/> is set: a store must not start
/// recording the wrong room because someone plugged in a webcam.
/// </summary>
public sealed record DeviceSelector(string? ConfiguredName, bool AllowOtherDevice)
{
    public AudioDeviceInfo? Choose(IReadOnlyList<AudioDeviceInfo> devices, string? pinnedId)
    {
        if (pinnedId is not null)
        {
            var same = devices.FirstOrDefault(d => d.Id == pinnedId);
            if (same is not null || !AllowOtherDevice)
            {
                return same;
            }
        }

        if (!string.IsNullOrWhiteSpace(ConfiguredName))
        {
            return devices.FirstOrDefault(d => string.Equals(d.Id, ConfiguredName, StringComparison.OrdinalIgnoreCase))
                ?? devices.FirstOrDefault(d => d.Name.Contains(ConfiguredName, StringComparison.OrdinalIgnoreCase));
        }

        return devices.FirstOrDefault(d => d.IsUsb) ?? devices.FirstOrDefault();
    }
}
