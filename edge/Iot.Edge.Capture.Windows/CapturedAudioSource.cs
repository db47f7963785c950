using System.Threading.Channels;
using Iot.Edge.Audio;

namespace Iot.Edge.Capture.Windows;

/// <summary>
/// A push-style capture device as an <see cref="IAudioSource"/>: packets are converted to mono 16-bit on the device
/// thread, cut into 20 ms blocks and queued in a bounded channel. When the reader falls behind the oldest blocks are
/// dropped and counted, and <see cref="Generation"/> is bumped so the recorder re-anchors its clock after the gap.
/// A device fault, or a device that stops delivering, surfaces as <see cref="IOException"/> once the queued audio has
/// been read, which is what makes <see cref="ReconnectingAudioSource"/> reopen the same endpoint.
/// </summary>
public sealed class CapturedAudioSource : IAudioSource, ICaptureSink
{
    private const int BlocksPerSecond = 50;

    private readonly ICaptureDevice _device;
    private readonly TimeProvider _time;
    private readonly TimeSpan _stallTimeout;
    private readonly Channel<Block> _blocks;
    private readonly Lock _sinkGate = new();

    // Device-thread state, guarded by _sinkGate.
    private MonoPcmConverter? _converter;
    private short[] _converted = [];
    private short[] _filling;
    private int _filled;
    private bool _sawSamples;
    private bool _gapBeforeFilling;

    // Reader state.
    private Block? _next;
    private short[] _current = [];
    private int _offset;

    private long _dropped;
    private int _droppedSinceRead;
    private int _generation;
    private volatile string? _failure;

    private CapturedAudioSource(ICaptureDevice device, string name, int sampleRate, TimeProvider time, CaptureBufferOptions options)
    {
        _device = device;
        Name = name;
        SampleRate = sampleRate;
        _time = time;
        _stallTimeout = options.StallTimeout;
        BlockSamples = Math.Max(1, sampleRate / BlocksPerSecond);
        _filling = new short[BlockSamples];
        var capacity = (int)Math.Max(1, Math.Ceiling(options.Capacity.TotalSeconds * BlocksPerSecond));
        _blocks = Channel.CreateBounded<Block>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            OnDropped);
    }

    public int SampleRate { get; }

    public string Name { get; }

    public string Api => _device.Api;

    public int BlockSamples { get; }

    /// <summary>Samples thrown away because the reader was too slow; exact, in whole blocks.</summary>
    public long DroppedSamples => Interlocked.Read(ref _dropped);

    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Starts <paramref name="device"/> into a new source; disposes the device if it cannot start.</summary>
    public static CapturedAudioSource Start(ICaptureDevice device, string name, int sampleRate, TimeProvider time, CaptureBufferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        var source = new CapturedAudioSource(device, name, sampleRate, time, options ?? CaptureBufferOptions.Default);
        try
        {
            device.Start(source);
            return source;
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public async ValueTask<int> ReadAsync(Memory<short> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var written = Drain(buffer.Span);
        while (written == 0)
        {
            if (!await WaitForBlockAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new IOException($"{Name}: {_failure ?? "capture ended"}");
            }

            written = Drain(buffer.Span);
        }

        return written;
    }

    public async ValueTask DisposeAsync()
    {
        Fault("closed");
        // Stopping joins the device's capture thread; keep that off the caller's thread.
        await Task.Run(_device.Dispose).ConfigureAwait(false);
    }

    void ICaptureSink.OnSamples(ReadOnlySpan<byte> interleaved, bool discontinuity)
    {
        lock (_sinkGate)
        {
            if (_failure is not null)
            {
                return;
            }

            try
            {
                _converter ??= new MonoPcmConverter(_device.Format, SampleRate);
                var needed = _converter.MaxOutput(interleaved.Length);
                if (_converted.Length < needed)
                {
                    _converted = new short[needed];
                }

                var count = _converter.Convert(interleaved, _converted);
                if (discontinuity && _sawSamples)
                {
                    // Samples before the glitch belong to the old timeline: ship them alone.
                    FlushFilling();
                    _gapBeforeFilling = true;
                }

                _sawSamples = true;
                Append(_converted.AsSpan(0, count));
            }
            catch (Exception ex) when (ex is NotSupportedException or ArgumentException)
            {
                FaultLocked($"cannot convert {_device.Format}: {ex.Message}");
            }
        }
    }

    void ICaptureSink.OnFault(string reason) => Fault(reason);

    private void Fault(string reason)
    {
        lock (_sinkGate)
        {
            FaultLocked(reason);
        }
    }

    private void FaultLocked(string reason)
    {
        if (_failure is not null)
        {
            return;
        }

        // What was captured before the fault is real audio: hand it over before the error.
        FlushFilling();
        _failure = reason;
        _blocks.Writer.TryComplete();
    }

    private void Append(ReadOnlySpan<short> samples)
    {
        while (!samples.IsEmpty)
        {
            var take = Math.Min(samples.Length, BlockSamples - _filled);
            samples[..take].CopyTo(_filling.AsSpan(_filled));
            _filled += take;
            samples = samples[take..];
            if (_filled == BlockSamples)
            {
                FlushFilling();
            }
        }
    }

    private void FlushFilling()
    {
        if (_filled == 0)
        {
            return;
        }

        var block = _filled == BlockSamples ? _filling : _filling[.._filled];
        _blocks.Writer.TryWrite(new Block(block, _gapBeforeFilling));
        _filling = new short[BlockSamples];
        _filled = 0;
        _gapBeforeFilling = false;
    }

    private void OnDropped(Block dropped)
    {
        Interlocked.Add(ref _dropped, dropped.Samples.Length);
        Interlocked.Exchange(ref _droppedSinceRead, 1);
    }

    private int Drain(Span<short> destination)
    {
        var written = 0;
        while (written < destination.Length)
        {
            if (_offset == _current.Length)
            {
                if (_next is null)
                {
                    if (!_blocks.Reader.TryRead(out var block))
                    {
                        break;
                    }

                    // DropOldest removes from the head, so the gap sits right before the next block read.
                    _next = Interlocked.Exchange(ref _droppedSinceRead, 0) != 0 ? block with { AfterGap = true } : block;
                }

                if (_next.Value.AfterGap)
                {
                    if (written > 0)
                    {
                        break; // one read never spans a gap: the recorder checks Generation per read
                    }

                    Interlocked.Increment(ref _generation);
                }

                _current = _next.Value.Samples;
                _offset = 0;
                _next = null;
            }

            var n = Math.Min(destination.Length - written, _current.Length - _offset);
            _current.AsSpan(_offset, n).CopyTo(destination[written..]);
            _offset += n;
            written += n;
        }

        return written;
    }

    private async ValueTask<bool> WaitForBlockAsync(CancellationToken cancellationToken)
    {
        if (_next is not null)
        {
            return true;
        }

        using var stall = new CancellationTokenSource(_stallTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        try
        {
            return await _blocks.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Fault($"no audio for {_stallTimeout.TotalSeconds:0.#} s");
            return _blocks.Reader.Count > 0;
        }
    }

    private readonly record struct Block(short[] Samples, bool AfterGap);
}
