using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using NAudio;
using NAudio.Wave;

namespace Iot.Edge.Capture.Windows;

/// <summary>
/// The fallback: WinMM waveIn on the device whose name matches the endpoint. WinMM converts formats itself, so the
/// target format is asked for first and common mix formats after it. WinMM does not report unplugging; the
/// source's stall timeout catches that.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed partial class WinMmCaptureDevice : ICaptureDevice
{
    private const int BufferMilliseconds = 50;
    private const int Buffers = 4;

    private readonly int _deviceNumber;
    private readonly int _sampleRate;
    private readonly ILogger _logger;
    private WaveIn? _waveIn;
    private ICaptureSink? _sink;
    private volatile bool _closing;

    private WinMmCaptureDevice(int deviceNumber, int sampleRate, ILogger logger)
    {
        _deviceNumber = deviceNumber;
        _sampleRate = sampleRate;
        _logger = logger;
        Format = CaptureFormat.Mono16(sampleRate);
    }

    public string Api => "winmm";

    public CaptureFormat Format { get; private set; }

    /// <summary>Finds the WinMM device for the endpoint named <paramref name="endpointName"/>.</summary>
    public static WinMmCaptureDevice Find(string endpointName, int sampleRate, ILogger logger)
    {
        var names = Enumerable.Range(0, WaveIn.DeviceCount).Select(i => WaveIn.GetCapabilities(i).ProductName).ToList();
        var number = WinMmDeviceMatcher.FindDeviceNumber(endpointName, names)
            ?? throw new IOException($"no WinMM capture device is named '{endpointName}' (found: {string.Join(", ", names)})");
        return new WinMmCaptureDevice(number, sampleRate, logger);
    }

    public void Start(ICaptureSink sink)
    {
        _sink = sink;
        CaptureFormat[] candidates =
        [
            CaptureFormat.Mono16(_sampleRate),
            new(48000, 2, SampleEncoding.Pcm16),
            new(44100, 2, SampleEncoding.Pcm16),
        ];
        MmException? last = null;
        foreach (var format in candidates)
        {
            var waveIn = new WaveIn
            {
                DeviceNumber = _deviceNumber,
                BufferMilliseconds = BufferMilliseconds,
                NumberOfBuffers = Buffers,
                WaveFormat = WaveFormatMapping.ToWaveFormat(format),
            };
            Format = format;
            waveIn.DataAvailable += OnData;
            waveIn.RecordingStopped += OnStopped;
            try
            {
                waveIn.StartRecording();
                _waveIn = waveIn;
                return;
            }
            catch (MmException ex) when (ex.Result == MmResult.WaveBadFormat)
            {
                last = ex;
                Close(waveIn);
            }
        }

        throw new NotSupportedException($"WinMM device {_deviceNumber} accepts none of {string.Join("; ", candidates)}", last);
    }

    public void Dispose()
    {
        _closing = true;
        if (_waveIn is not null)
        {
            Close(_waveIn);
            _waveIn = null;
        }
    }

    private void Close(WaveIn waveIn)
    {
        waveIn.DataAvailable -= OnData;
        waveIn.RecordingStopped -= OnStopped;
        try
        {
            waveIn.Dispose();
        }
        catch (MmException ex)
        {
            // A device that vanished fails waveInStop/waveInReset; its handle is closed regardless.
            LogCloseFailed(_logger, _deviceNumber, ex.Message);
        }
    }

    private void OnData(object? sender, WaveInEventArgs e) => _sink?.OnSamples(e.BufferSpan, discontinuity: false);

    private void OnStopped(object? sender, StoppedEventArgs e)
    {
        if (!_closing)
        {
            _sink?.OnFault(e.Exception is { } ex ? $"WinMM capture stopped: {ex.Message}" : "WinMM capture stopped");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing WinMM device {DeviceNumber} failed: {Reason}")]
    private static partial void LogCloseFailed(ILogger logger, int deviceNumber, string reason);
}
