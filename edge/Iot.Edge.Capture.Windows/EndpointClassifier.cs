namespace Iot.Edge.Capture.Windows;

/// <summary>
/// Decides whether a WASAPI capture endpoint sits on USB (a desk microphone, preferred by <c>DeviceSelector</c>) from
/// two endpoint properties: PKEY_Device_EnumeratorName (<c>USB</c>) and PKEY_Device_ControllerDeviceId, the PnP id of
/// the hardware behind it, e.g. <c>{1}.USB\VID_0D8C&amp;PID_0014&amp;MI_00\7&amp;2f5e&amp;0&amp;0000</c> versus
/// <c>{1}.HDAUDIO\FUNC_01&amp;VEN_10EC…</c> for the on-board codec. Either may be missing, depending on the driver.
/// </summary>
public static class EndpointClassifier
{
    public static bool IsUsb(string? enumeratorName, string? controllerDeviceId)
    {
        if (string.Equals(enumeratorName?.Trim(), "USB", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.IsNullOrEmpty(controllerDeviceId))
        {
            return false;
        }

        // Strip the "{n}." prefix the audio stack puts in front of the PnP instance id.
        var id = controllerDeviceId.AsSpan();
        if (id.Length > 0 && id[0] == '{' && id.IndexOf("}.") is var end and > 0)
        {
            id = id[(end + 2)..];
        }

        return id.StartsWith("USB", StringComparison.OrdinalIgnoreCase);
    }
}
