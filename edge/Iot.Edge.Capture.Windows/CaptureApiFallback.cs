using System.Runtime.InteropServices;

namespace Iot.Edge.Capture.Windows;

/// <summary>
/// Opens a microphone through WASAPI and, when WASAPI cannot activate or initialise it, through WinMM. A vanished
/// endpoint is not a reason to fall back — WinMM would only find another microphone or nothing — so it becomes an
/// <see cref="IOException"/> that the reconnect loop waits out.
/// </summary>
public static class CaptureApiFallback
{
    private const int AudclntEDeviceInvalidated = unchecked((int)0x88890004);
    private const int ENotFound = unchecked((int)0x80070490);
    private const int EAccessDenied = unchecked((int)0x80070005);

    public static ActivationFailure Classify(Exception error) => error switch
    {
        IOException => ActivationFailure.DeviceGone,
        COMException { HResult: AudclntEDeviceInvalidated or ENotFound } => ActivationFailure.DeviceGone,
        COMException or InvalidCastException or UnauthorizedAccessException or NotSupportedException or InvalidOperationException
            => ActivationFailure.TryWinMm,
        _ => ActivationFailure.Unexpected,
    };

    /// <param name="openWasapi">Creates the WASAPI device (not started).</param>
    /// <param name="openWinMm">Creates the WinMM device for the same microphone (not started).</param>
    /// <param name="start">Starts a device into a source; disposes the device if that fails.</param>
    /// <param name="fellBack">Told why WASAPI was given up, so the switch is logged.</param>
    public static CapturedAudioSource Open(
        Func<ICaptureDevice> openWasapi,
        Func<ICaptureDevice> openWinMm,
        Func<ICaptureDevice, CapturedAudioSource> start,
        Action<Exception>? fellBack = null)
    {
        ArgumentNullException.ThrowIfNull(openWasapi);
        ArgumentNullException.ThrowIfNull(openWinMm);
        ArgumentNullException.ThrowIfNull(start);
        Exception wasapiError;
        try
        {
            return start(openWasapi());
        }
        catch (Exception ex) when (Classify(ex) == ActivationFailure.DeviceGone)
        {
            throw ex as IOException ?? new IOException($"microphone is gone: {ex.Message}", ex);
        }
        catch (Exception ex) when (Classify(ex) == ActivationFailure.TryWinMm)
        {
            wasapiError = ex;
        }

        fellBack?.Invoke(wasapiError);
        try
        {
            return start(openWinMm());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var hint = wasapiError.HResult == EAccessDenied ? " (microphone access denied: check Settings > Privacy > Microphone)" : "";
            throw new IOException($"WASAPI failed: {wasapiError.Message}{hint}; WinMM failed: {ex.Message}", ex);
        }
    }
}
