using Iot.Edge.Audio;

namespace Iot.Edge.Tests.Audio;

/// <summary>A device list a test can plug and unplug; each "device" produces a constant sample value.</summary>
internal sealed class FakeAudioDeviceCatalog : IAudioDeviceCatalog
{
    private readonly Dictionary<string, (AudioDeviceInfo Info, short Value)> _plugged = [];
    private readonly Dictionary<string, FakeDeviceSource> _open = [];

    public string Platform => "fake";

    public int Opens { get; private set; }

    public void Plug(string id, short value, bool usb = true) => _plugged[id] = (new AudioDeviceInfo(id, "Mic " + id, usb, "fake:" + id), value);

    public void Unplug(string id)
    {
        _plugged.Remove(id);
        if (_open.Remove(id, out var source))
        {
            source.Unplugged = true;
        }
    }

    /// <summary>Makes the open device report a gap in its samples, as an ALSA overrun does.</summary>
    public void Glitch(string id) => _open[id].Generation++;

    public IReadOnlyList<AudioDeviceInfo> ListCaptureDevices() => _plugged.Values.Select(p => p.Info).ToList();

    public IAudioSource Open(AudioDeviceInfo device, int sampleRate)
    {
        if (!_plugged.TryGetValue(device.Id, out var p))
        {
            throw new IOException("no such device " + device.Id);
        }

        Opens++;
        var source = new FakeDeviceSource(device.Name, sampleRate, p.Value);
        _open[device.Id] = source;
        return source;
    }

    private sealed class FakeDeviceSource(string name, int sampleRate, short value) : IAudioSource
    {
        public bool Unplugged { get; set; }

        public int Generation { get; set; }

        public int SampleRate => sampleRate;

        public string Name => name;

        public ValueTask<int> ReadAsync(Memory<short> buffer, CancellationToken cancellationToken)
        {
            if (Unplugged)
            {
                throw new IOException("device disconnected");
            }

            buffer.Span.Fill(value);
            return ValueTask.FromResult(buffer.Length);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
