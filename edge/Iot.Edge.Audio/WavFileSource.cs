using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Iot.Edge.Audio;

/// <summary>
/// Reads a PCM WAV file (16-bit, mono) as a microphone would deliver it: optionally paced to real time and looped,
/// which is how the simulated devices of the demo speak.
/// </summary>
public sealed class WavFileSource : IAudioSource
{
    private readonly FileStream _stream;
    private readonly long _dataStart;
    private readonly long _dataLength;
    private readonly bool _loop;
    private readonly bool _realTime;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private long _position;
    private long _samplesDelivered;

    public WavFileSource(string path, bool loop, bool realTime, TimeProvider time)
    {
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        try
        {
            (SampleRate, _dataStart, _dataLength) = ReadHeader(_stream, path);
        }
        catch
        {
            _stream.Dispose();
            throw;
        }

        Name = path;
        _loop = loop;
        _realTime = realTime;
        _time = time;
        _startTimestamp = time.GetTimestamp();
        _stream.Position = _dataStart;
    }

    public int SampleRate { get; }

    public string Name { get; }

    public long TotalSamples => _dataLength / 2;

    public async ValueTask<int> ReadAsync(Memory<short> buffer, CancellationToken cancellationToken)
    {
        if (_position >= _dataLength)
        {
            if (!_loop || _dataLength == 0)
            {
                return 0;
            }

            _position = 0;
            _stream.Position = _dataStart;
        }

        var samples = (int)Math.Min(buffer.Length, (_dataLength - _position) / 2);
        if (_realTime)
        {
            // Deliver a block only once the wall clock has reached its end, like a sound card would.
            var due = TimeSpan.FromSeconds((double)(_samplesDelivered + samples) / SampleRate);
            var wait = due - _time.GetElapsedTime(_startTimestamp);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }

        var bytes = MemoryMarshal.AsBytes(buffer.Span[..samples]);
        _stream.ReadExactly(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(buffer.Span[..samples], buffer.Span[..samples]);
        }

        _position += samples * 2L;
        _samplesDelivered += samples;
        return samples;
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private static (int SampleRate, long DataStart, long DataLength) ReadHeader(FileStream stream, string path)
    {
        Span<byte> riff = stackalloc byte[12];
        if (stream.ReadAtLeast(riff, 12, throwOnEndOfStream: false) < 12 || !riff[..4].SequenceEqual("RIFF"u8) || !riff[8..].SequenceEqual("WAVE"u8))
        {
            throw new WavFormatException(path, "no RIFF/WAVE header");
        }

        int? sampleRate = null;
        Span<byte> chunkHeader = stackalloc byte[8];
        Span<byte> fmt = stackalloc byte[16];
        while (stream.ReadAtLeast(chunkHeader, 8, throwOnEndOfStream: false) == 8)
        {
            var id = System.Text.Encoding.ASCII.GetString(chunkHeader[..4]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            if (id == "fmt ")
            {
                if (size < 16 || stream.ReadAtLeast(fmt, 16, throwOnEndOfStream: false) < 16)
                {
                    throw new WavFormatException(path, "truncated fmt chunk");
                }

                var format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
                var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
                if (format is not (1 or 0xFFFE) || channels != 1 || bits != 16)
                {
                    throw new WavFormatException(path, $"format {format}, {channels} channel(s), {bits} bits; need 16-bit PCM mono");
                }

                sampleRate = (int)BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
                stream.Seek(size - 16 + (size & 1), SeekOrigin.Current);
            }
            else if (id == "data")
            {
                if (sampleRate is null)
                {
                    throw new WavFormatException(path, "data chunk before fmt chunk");
                }

                var start = stream.Position;
                // Writers that stream (sox to a pipe) leave 0 or 0xFFFFFFFF here; trust the file length then.
                var length = size is 0 or 0xFFFFFFFF ? stream.Length - start : Math.Min(size, stream.Length - start);
                return (sampleRate.Value, start, length & ~1L);
            }
            else
            {
                stream.Seek(size + (size & 1), SeekOrigin.Current);
            }
        }

        throw new WavFormatException(path, "no data chunk");
    }
}
