using System.Buffers.Binary;

namespace Iot.Protocol.Audio;

/// <summary>Packs packets into Ogg pages (RFC 3533) for one logical stream.</summary>
internal sealed class OggPageWriter
{
    private const int MaxSegments = 255;
    private const int HeaderLength = 27;

    private readonly Stream _output;
    private readonly uint _serial;
    private readonly List<byte[]> _packets = [];
    private int _segments;
    private uint _pageSequence;
    private bool _first = true;

    public OggPageWriter(Stream output, uint serial)
    {
        _output = output;
        _serial = serial;
    }

    public int PendingPackets => _packets.Count;

    /// <summary>Queues a packet for the current page; flushes first if the packet's lacing would not fit.</summary>
    public void Add(byte[] packet, long granuleIfFlushed)
    {
        var lacing = (packet.Length / 255) + 1;
        if (lacing > MaxSegments)
        {
            throw new ArgumentException($"packet of {packet.Length} bytes does not fit one page; not needed for Opus frames", nameof(packet));
        }

        if (_segments + lacing > MaxSegments)
        {
            FlushPage(granuleIfFlushed, endOfStream: false);
        }

        _packets.Add(packet);
        _segments += lacing;
    }

    /// <summary>Writes queued packets as one page whose granule position is that of the last packet on it.</summary>
    public void FlushPage(long granule, bool endOfStream)
    {
        if (_packets.Count == 0 && !endOfStream)
        {
            return;
        }

        var bodyLength = _packets.Sum(p => p.Length);
        var page = new byte[HeaderLength + _segments + bodyLength];
        "OggS"u8.CopyTo(page);
        page[4] = 0;
        page[5] = (byte)((_first ? 0x02 : 0) | (endOfStream ? 0x04 : 0));
        BinaryPrimitives.WriteInt64LittleEndian(page.AsSpan(6), granule);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(14), _serial);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(18), _pageSequence++);
        page[26] = (byte)_segments;

        var table = HeaderLength;
        var body = HeaderLength + _segments;
        foreach (var packet in _packets)
        {
            var remaining = packet.Length;
            while (remaining >= 255)
            {
                page[table++] = 255;
                remaining -= 255;
            }

            page[table++] = (byte)remaining;
            packet.CopyTo(page, body);
            body += packet.Length;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), OggCrc.Compute(page));
        _output.Write(page);
        _packets.Clear();
        _segments = 0;
        _first = false;
    }
}
