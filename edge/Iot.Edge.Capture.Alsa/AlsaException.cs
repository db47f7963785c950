namespace Iot.Edge.Capture.Alsa;

/// <summary>
/// A libasound call failed. An <see cref="IOException"/> because that is what a vanished or busy microphone is to
/// the reconnect logic; <see cref="ErrorCode"/> keeps the negative errno libasound returned.
/// </summary>
public sealed class AlsaException(string pcmName, string message, int errorCode) : IOException(message)
{
    public string PcmName { get; } = pcmName;

    public int ErrorCode { get; } = errorCode;
}
