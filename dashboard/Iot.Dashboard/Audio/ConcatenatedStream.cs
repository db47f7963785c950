namespace Iot.Dashboard.Audio;

/// <summary>
/// Several files read as one seekable stream, so range requests work across a dialogue's chunks. Ogg allows chained
/// streams, so consecutive Ogg Opus files form a valid Ogg file.
/// </summary>
public sealed class ConcatenatedStream : Stream
{
    private readonly IReadOnlyList<string> _paths;
    private readonly long[] _starts;
    private FileStream? _current;
    private int _currentIndex = -1;
    private long _position;

    public ConcatenatedStream(IReadOnlyList<string> paths)
    {
        _paths = paths;
        _starts = new long[paths.Count + 1];
        for (var i = 0; i < paths.Count; i++)
        {
            _starts[i + 1] = _starts[i] + new FileInfo(paths[i]).Length;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _starts[^1];

    public override long Position
    {
        get => _position;
        set => _position = Math.Clamp(value, 0, Length);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= Length || buffer.Length == 0)
        {
            return 0;
        }

        var file = FileAt(_position);
        var read = file.Read(buffer[..(int)Math.Min(buffer.Length, _starts[_currentIndex + 1] - _position)]);
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= Length || buffer.Length == 0)
        {
            return 0;
        }

        var file = FileAt(_position);
        var read = await file.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _starts[_currentIndex + 1] - _position)], cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
        }

        base.Dispose(disposing);
    }

    private FileStream FileAt(long position)
    {
        var index = Array.BinarySearch(_starts, position);
        index = index >= 0 ? index : ~index - 1;

        // Empty files share a start offset with their successor; skip to the one that holds the byte.
        while (index < _paths.Count - 1 && _starts[index + 1] <= position)
        {
            index++;
        }

        if (index != _currentIndex)
        {
            _current?.Dispose();
            _current = new FileStream(_paths[index], FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
            _currentIndex = index;
        }

        _current!.Position = position - _starts[index];
        return _current;
    }
}
