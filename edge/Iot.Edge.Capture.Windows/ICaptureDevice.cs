namespace Iot.Edge.Capture.Windows;

/// <summary>
/// The thin seam over one platform capture API (WASAPI or WinMM). Everything above it — conversion, buffering,
/// fault handling — is managed code that tests drive with a fake device.
/// </summary>
public interface ICaptureDevice : IDisposable
{
    /// <summary><c>wasapi</c> or <c>winmm</c>; shown in the source name so an operator sees when the fallback is in use.</summary>
    string Api { get; }

    /// <summary>The format of the packets; final once <see cref="Start"/> has returned.</summary>
    CaptureFormat Format { get; }

    /// <summary>Starts capture; throws if the API cannot capture from this device (that triggers the fallback).</summary>
    void Start(ICaptureSink sink);
}
