using System.Runtime.InteropServices;
using Iot.Edge.Audio;
using Iot.Edge.Capture.Windows;

namespace Iot.Edge.Windows.Tests;

/// <summary>
/// A WASAPI endpoint list as WasapiDeviceCatalog builds it (endpoint ids, friendly names, USB from the endpoint
/// properties), opening endpoints through the same fallback and capture pipeline as WasapiAudioSource.Open.
/// </summary>
internal sealed class FakeWasapiCatalog(TimeProvider time) : IAudioDeviceCatalog
{
    private const int ENotFound = unchecked((int)0x80070490);

    private readonly Dictionary<string, Endpoint> _active = [];
    private readonly List<Endpoint> _order = [];

    public string Platform => "wasapi";

    public int Opens { get; private set; }

    /// <summary>Opened endpoints deliver this much of a tone at once, for callers that only read.</summary>
    public double DeliverOnStartSeconds { get; set; }

    public Dictionary<string, FakeCaptureDevice> Devices { get; } = [];

    private readonly HashSet<string> _failing = [];

    public void Plug(Endpoint endpoint)
    {
        _failing.Remove(endpoint.Id);
        _active[endpoint.Id] = endpoint;
        _order.Remove(endpoint);
        _order.Add(endpoint);
    }

    /// <summary>Still listed, but activation fails as for an endpoint that vanished between listing and opening.</summary>
    public void FailActivation(string id) => _failing.Add(id);

    /// <summary>The endpoint leaves the Active state and the open capture is told, as the notification client does.</summary>
    public void Unplug(string id)
    {
        _active.Remove(id);
        if (Devices.TryGetValue(id, out var device) && device.Started && !device.Disposed)
        {
            device.Remove($"endpoint {id} is Unplugged");
        }
    }

    public IReadOnlyList<AudioDeviceInfo> ListCaptureDevices() =>
        _order.Where(e => _active.ContainsKey(e.Id))
            .Select(e => new AudioDeviceInfo(e.Id, e.FriendlyName, EndpointClassifier.IsUsb(e.EnumeratorName, e.ControllerDeviceId), e.Id))
            .ToList();

    public IAudioSource Open(AudioDeviceInfo device, int sampleRate) => CaptureApiFallback.Open(
        () => Activate(device.Id),
        () => throw new IOException("no WinMM device in this test"),
        d => CapturedAudioSource.Start(d, $"{device.Name} ({d.Api})", sampleRate, time));

    private FakeCaptureDevice Activate(string id)
    {
        if (!_active.TryGetValue(id, out var endpoint) || _failing.Contains(id))
        {
            throw new COMException("Element not found.", ENotFound);
        }

        Opens++;
        var tone = DeliverOnStartSeconds > 0 ? Signals.Sine(endpoint.MixFormat, 440, 0.3, DeliverOnStartSeconds) : null;
        var device = new FakeCaptureDevice(endpoint.MixFormat, deliverOnStart: tone);
        Devices[id] = device;
        return device;
    }

    internal sealed record Endpoint(string Id, string FriendlyName, string? EnumeratorName, string? ControllerDeviceId)
    {
        public CaptureFormat MixFormat { get; init; } = new(48000, 2, SampleEncoding.Float32);
    }
}
