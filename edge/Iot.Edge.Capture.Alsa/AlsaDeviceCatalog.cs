using Iot.Edge.Audio;
using Iot.Edge.Capture.Alsa.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Capture.Alsa;

/// <summary>
/// Capture devices as <c>arecord -l</c> lists them (cards, then their PCM devices with a capture substream), each
/// identified by the card's stable id and opened through <c>plughw:CARD=id,DEV=n</c> so the card index, which
/// changes when USB devices are re-plugged, never matters. A configured <c>Audio:Alsa:Device</c> that is not a card
/// but a PCM the ALSA configuration defines (<c>default</c>, an asoundrc entry) is listed first, under its own name.
/// </summary>
public sealed partial class AlsaDeviceCatalog(IOptions<AlsaCaptureOptions> options, AlsaCaptureStats stats, ILoggerFactory loggerFactory) : IAudioDeviceCatalog
{
    private readonly AlsaDeviceOptions _options = options.Value.Alsa;
    private readonly ILogger _logger = loggerFactory.CreateLogger<AlsaDeviceCatalog>();

    public string Platform => "alsa";

    public IReadOnlyList<AudioDeviceInfo> ListCaptureDevices()
    {
        var devices = new List<AudioDeviceInfo>();
        var seenCards = new HashSet<int>();
        foreach (var e in AlsaCards.ListCaptureEndpoints((card, error) => LogCardSkipped(card, error)))
        {
            // A card's first capture device answers to the bare card id; further ones (rare on microphones) get DEV.
            var first = seenCards.Add(e.CardIndex);
            devices.Add(new AudioDeviceInfo(
                first ? e.CardId : $"{e.CardId},DEV={e.Device}",
                first ? e.CardName : $"{e.CardName}: {e.DeviceName}",
                IsUsb: e.Driver == "USB-Audio" || e.LongName.Contains(" at usb-", StringComparison.Ordinal),
                OpenName: $"plughw:CARD={e.CardId},DEV={e.Device}"));
        }

        var configured = _options.Device?.Trim();
        if (!string.IsNullOrEmpty(configured)
            && !devices.Exists(d => string.Equals(d.Id, configured, StringComparison.OrdinalIgnoreCase))
            && AlsaConfig.IsPcmDefined(configured))
        {
            // Listed whether or not it opens right now: if it does not, the open error says why, which beats silence.
            devices.Insert(0, new AudioDeviceInfo(configured, configured, IsUsb: false, OpenName: configured));
        }

        return devices;
    }

    public IAudioSource Open(AudioDeviceInfo device, int sampleRate) => OpenCapture(device, sampleRate);

    /// <summary>As <see cref="Open"/>, typed, for callers that want the granted period or the overrun count.</summary>
    public AlsaAudioSource OpenCapture(AudioDeviceInfo device, int sampleRate) =>
        new(device.OpenName, sampleRate, _options.PeriodFrames, _options.BufferPeriods, stats, loggerFactory.CreateLogger<AlsaAudioSource>());

    [LoggerMessage(Level = LogLevel.Warning, Message = "ALSA card {Card} skipped: {Error} (is this user in the 'audio' group?)")]
    private partial void LogCardSkipped(int card, string error);
}
