namespace Iot.Edge.Capture.Windows;

/// <summary>
/// WinMM numbers its devices and names them with the endpoint's friendly name cut to 31 characters
/// (WAVEINCAPS.szPname). This finds the WinMM device for a WASAPI endpoint, so the fallback records the same
/// microphone rather than whatever WinMM lists first.
/// </summary>
public static class WinMmDeviceMatcher
{
    public const int MaxProductNameLength = 31;

    /// <returns>The WinMM device number, or null when none carries this name.</returns>
    public static int? FindDeviceNumber(string endpointName, IReadOnlyList<string> productNames)
    {
        ArgumentNullException.ThrowIfNull(endpointName);
        ArgumentNullException.ThrowIfNull(productNames);
        var truncated = endpointName.Length > MaxProductNameLength ? endpointName[..MaxProductNameLength] : endpointName;
        for (var i = 0; i < productNames.Count; i++)
        {
            if (string.Equals(productNames[i].TrimEnd(), truncated.TrimEnd(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return null;
    }
}
