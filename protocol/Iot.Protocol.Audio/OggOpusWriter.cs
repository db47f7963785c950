using System.Buffers.Binary;
using Concentus;

namespace Iot.Protocol.Audio;

/// <summary>
/// Streams 16-bit mono PCM into an Ogg Opus file (RFC 7845) in 20 ms frames.
/// Granule positions count 48 kHz samples including pre-skip; <see cref="Finish"/> encodes enough trailing silence
/// to flush the encoder's lookahead and sets the last granule so decoders trim the padding off again.
/// </summary>
public sealed class OggOpusWriter : IDisposable
{
    private const int FramesPerPage = 50;
    private const int MaxPacketBytes = 1275 * 3;

    private readonly IOpusEncoder _encoder;
    private readonly OggPageWriter _pages;
    private readonly int _frameSize;
    private readonly int _toGranule;
    private readonly int _preSkip;
    private readonly short[] _frame;
    private readonly byte[] _packet = new byte[MaxPacketBytes];
    private int _frameFill;
    private long _encodedSamples;
    private bool _finished;

    public OggOpusWriter(Stream output, OpusSettings settings, uint serial, IReadOnlyList<string>? comments = null)
    {
        if (48000 % settings.SampleRate != 0)
        {
            throw new ArgumentException($"{settings.SampleRate} Hz is not an Opus input rate", nameof(settings));
        }

        _encoder = OpusEncoderFactory.Create(settings);
        _pages = new OggPageWriter(output, serial);
        SampleRate = settings.SampleRate;
        _frameSize = settings.SampleRate / 50;
        _toGranule = 48000 / settings.SampleRate;
        _preSkip = _encoder.Lookahead * _toGranule;
        _frame = new short[_frameSize];
        IsNative = OpusEncoderFactory.IsNative(_encoder);
        WriteHeaders(comments ?? []);
    }

    public int SampleRate { get; }

    public bool IsNative { get; }

    /// <summary>Real (unpadded) samples written so far.</summary>
    public long SampleCount { get; private set; }

    public void Write(ReadOnlySpan<short> pcm)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        SampleCount += pcm.Length;
        while (!pcm.IsEmpty)
        {
            var take = Math.Min(pcm.Length, _frameSize - _frameFill);
            pcm[..take].CopyTo(_frame.AsSpan(_frameFill));
            _frameFill += take;
            pcm = pcm[take..];
            if (_frameFill == _frameSize)
            {
                EncodeFrame();
            }
        }
    }

    /// <summary>Flushes the lookahead, writes the end-of-stream page. The stream is left open for the caller to fsync.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        var needed = SampleCount + _encoder.Lookahead;
        while (_encodedSamples < needed)
        {
            _frame.AsSpan(_frameFill).Clear();
            _frameFill = _frameSize;
            EncodeFrame();
        }

        _pages.FlushPage(_preSkip + (SampleCount * _toGranule), endOfStream: true);
        _finished = true;
    }

    public void Dispose()
    {
        _finished = true;
        _encoder.Dispose();
    }

    private void EncodeFrame()
    {
        var length = _encoder.Encode(_frame, _frameSize, _packet, _packet.Length);
        if (length < 0)
        {
            throw new InvalidOperationException($"Opus encoder failed with code {length}");
        }

        _frameFill = 0;
        _encodedSamples += _frameSize;
        var granule = _encodedSamples * _toGranule;
        _pages.Add(_packet.AsSpan(0, length).ToArray(), granule);
        if (_pages.PendingPackets >= FramesPerPage)
        {
            _pages.FlushPage(granule, endOfStream: false);
        }
    }

    private void WriteHeaders(IReadOnlyList<string> comments)
    {
        var head = new byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1;
        head[9] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), (ushort)_preSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), (uint)SampleRate);
        _pages.Add(head, 0);
        _pages.FlushPage(0, endOfStream: false);

        var vendor = System.Text.Encoding.UTF8.GetBytes("iot-agent " + _encoder.GetVersionString());
        using var tags = new MemoryStream();
        tags.Write("OpusTags"u8);
        WriteLengthPrefixed(tags, vendor);
        Span<byte> count = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(count, (uint)comments.Count);
        tags.Write(count);
        foreach (var comment in comments)
        {
            WriteLengthPrefixed(tags, System.Text.Encoding.UTF8.GetBytes(comment));
        }

        _pages.Add(tags.ToArray(), 0);
        _pages.FlushPage(0, endOfStream: false);
    }

    private static void WriteLengthPrefixed(Stream stream, byte[] value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)value.Length);
        stream.Write(length);
        stream.Write(value);
    }
}
