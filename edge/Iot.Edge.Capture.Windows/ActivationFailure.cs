namespace Iot.Edge.Capture.Windows;

/// <summary>What a failed WASAPI start means for the next step.</summary>
public enum ActivationFailure
{
    /// <summary>The endpoint is unplugged or disabled: wait for it (the reconnect loop), do not record through another API.</summary>
    DeviceGone,

    /// <summary>WASAPI itself refused (format, exclusive use, COM trouble): the same microphone may still work through WinMM.</summary>
    TryWinMm,

    /// <summary>A bug, not the platform: let it surface unchanged.</summary>
    Unexpected,
}
