using Iot.Edge.Audio;
using Iot.Edge.Capture.Alsa.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Edge.Capture.Alsa;

/// <summary>
/// One ALSA PCM captured as 16-bit mono. The PCM is non-blocking: a read waits in <c>snd_pcm_wait</c> (on the thread
/// pool) in short slices, so cancellation and disposal take effect within <see cref="WaitMilliseconds"/>. An overrun
/// is recovered in place and bumps <see cref="Generation"/>; a lost or stuck device throws <see cref="AlsaException"/>
/// (an <see cref="IOException"/>) for <see cref="ReconnectingAudioSource"/> to handle. One reader at a time.
/// </summary>
public sealed partial class AlsaAudioSource : IAudioSource
{
    internal const int WaitMilliseconds = 100;

    /// <summary>A device that delivers nothing for this long is treated as gone (some USB mics stall instead of vanishing).</summary>
    internal static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(2);

    private readonly AlsaPcm _pcm;
    private readonly AlsaCaptureStats _stats;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closing = new();
    private Task? _inFlight;
    private int _generation;
    private long _overruns;
    private bool _disposed;

    /// <summary>Opens <paramref name="pcmName"/> for capture; throws <see cref="AlsaException"/> naming it if it cannot.</summary>
    public AlsaAudioSource(string pcmName, int sampleRate, int periodFrames, int bufferPeriods, AlsaCaptureStats? stats = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(periodFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferPeriods, 2);
        _pcm = AlsaPcm.OpenCapture(pcmName, sampleRate, periodFrames, periodFrames * bufferPeriods);
        SampleRate = sampleRate;
        _stats = stats ?? new AlsaCaptureStats();
        _logger = logger ?? NullLogger.Instance;
        LogOpened(pcmName, sampleRate, _pcm.PeriodFrames, _pcm.BufferFrames);
    }

    public int SampleRate { get; }

    public string Name => _pcm.Name;

    /// <summary>The period the device granted (it may round what was asked for).</summary>
    public int PeriodFrames => _pcm.PeriodFrames;

    public int BufferFrames => _pcm.BufferFrames;

    public long Overruns => Interlocked.Read(ref _overruns);

    public int Generation => Volatile.Read(ref _generation);

    /// <summary>
    /// Reads at most one period. Never returns 0 for a non-empty buffer: a microphone does not end, it fails.
    /// </summary>
    public async ValueTask<int> ReadAsync(Memory<short> buffer, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty)
        {
            return 0;
        }

        // Never more than a period per call: the file plugin (test and virtual microphones) drops its input when a
        // single read asks for more than the ring buffer holds, and latency stays one period.
        var frames = buffer[..Math.Min(buffer.Length, _pcm.PeriodFrames)];
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        var token = linked.Token;
        var read = Task.Run(() => ReadBlocking(frames, token), token);
        _inFlight = read;
        return await read.ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the stream under a running capture; the next read then fails as it does when a device is pulled.
    /// Lets tests take a microphone away on a machine without sound hardware.
    /// </summary>
    internal void Stop() => _pcm.Drop();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _closing.CancelAsync().ConfigureAwait(false);
        if (_inFlight is { } inFlight)
        {
            // Its outcome already went to the reader; here it only has to leave libasound before the PCM is closed.
            await inFlight.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _pcm.Dispose();
        _closing.Dispose();
    }

    private int ReadBlocking(Memory<short> frames, CancellationToken cancellationToken)
    {
        var idleWaits = 0;
        var maxIdleWaits = (int)(StallTimeout.TotalMilliseconds / WaitMilliseconds);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = _pcm.Read(frames.Span);
            if (result > 0)
            {
                return result;
            }

            if (result is 0 or -AlsaErrno.EAGAIN)
            {
                result = _pcm.Wait(WaitMilliseconds);
                if (result > 0)
                {
                    continue;
                }

                if (result == 0)
                {
                    if (++idleWaits >= maxIdleWaits)
                    {
                        throw new AlsaException(Name, $"ALSA capture device '{Name}' delivered no audio for {StallTimeout.TotalSeconds:0} s", -AlsaErrno.EIO);
                    }

                    continue;
                }
            }

            idleWaits = 0;
            if (result is -AlsaErrno.EPIPE or -AlsaErrno.ESTRPIPE or -AlsaErrno.EINTR)
            {
                Recover(result);
                continue;
            }

            // -ENODEV (unplugged), -EBADFD (stream stopped under us), -EIO and anything else: this handle is done.
            throw AlsaErrno.Fail("ALSA capture device", Name, "read", result);
        }
    }

    private void Recover(int error)
    {
        var recovered = _pcm.Recover(error);
        if (recovered < 0)
        {
            throw AlsaErrno.Fail("ALSA capture device", Name, $"recovery from '{AlsaErrno.Describe(error)}'", recovered);
        }

        if (error == -AlsaErrno.EPIPE)
        {
            // Samples were dropped: what follows is not continuous with what came before.
            Interlocked.Increment(ref _generation);
            var count = Interlocked.Increment(ref _overruns);
            _stats.CountOverrun();
            LogOverrun(Name, count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ALSA capture {Pcm} opened: {SampleRate} Hz mono S16_LE, period {PeriodFrames} frames, buffer {BufferFrames} frames")]
    private partial void LogOpened(string pcm, int sampleRate, int periodFrames, int bufferFrames);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ALSA capture {Pcm} overran (samples lost), recovered; {Overruns} overrun(s) on this device so far")]
    private partial void LogOverrun(string pcm, long overruns);
}
