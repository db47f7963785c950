namespace Iot.Edge.Audio;

/// <summary>One platform's capture devices: ALSA on Linux, WASAPI/WinMM on Windows.</summary>
public interface IAudioDeviceCatalog
{
    string Platform { get; }

    IReadOnlyList<AudioDeviceInfo> ListCaptureDevices();

    /// <summary>Opens the device for 16-bit mono capture at <paramref name="sampleRate"/>; throws if it is gone.</summary>
    IAudioSource Open(AudioDeviceInfo device, int sampleRate);
}
