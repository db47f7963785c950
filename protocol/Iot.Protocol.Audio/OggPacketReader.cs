using System.Buffers.Binary;

namespace Iot.Protocol.Audio;

/// <summary>
/// Reads the packets of the first logical stream of an Ogg file (RFC 3533), each with the granule position of the
/// page it ends on (-1 when the page ends with an unfinished packet). Enough for the single-stream Opus files the
/// agent and opusenc write; chained or multiplexed streams are out of scope.
/// </summary>
internal static class OggPacketReader
{
    private const int HeaderLength = 27;

    public static IReadOnlyList<OggPacket> ReadPackets(ReadOnlySpan<byte> file)
    {
        var packets = new List<OggPacket>();
        var pending = new List<byte>();
        uint? serial = null;
        var position = 0;
        while (position + HeaderLength <= file.Length)
        {
            if (!file.Slice(position, 4).SequenceEqual("OggS"u8))
            {
                throw new InvalidDataException($"no Ogg page at byte {position}");
            }

            var header = file.Slice(position, HeaderLength);
            var granule = BinaryPrimitives.ReadInt64LittleEndian(header[6..]);
            var pageSerial = BinaryPrimitives.ReadUInt32LittleEndian(header[14..]);
            var segmentCount = header[26];
            var table = file.Slice(position + HeaderLength, segmentCount);
            var bodyLength = 0;
            foreach (var lace in table)
            {
                bodyLength += lace;
            }

            var bodyStart = position + HeaderLength + segmentCount;
            if (bodyStart + bodyLength > file.Length)
            {
                throw new InvalidDataException($"Ogg page at byte {position} is truncated");
            }

            serial ??= pageSerial;
            if (pageSerial == serial)
            {
                var body = file.Slice(bodyStart, bodyLength);
                var offset = 0;
                var completedOnPage = new List<byte[]>();
                foreach (var lace in table)
                {
                    pending.AddRange(body.Slice(offset, lace));
                    offset += lace;
                    if (lace < 255)
                    {
                        completedOnPage.Add([.. pending]);
                        pending.Clear();
                    }
                }

                // Only the last packet finishing on a page carries the page's granule; earlier ones get -1.
                for (var i = 0; i < completedOnPage.Count; i++)
                {
                    packets.Add(new OggPacket(completedOnPage[i], i == completedOnPage.Count - 1 ? granule : -1));
                }
            }

            position = bodyStart + bodyLength;
        }

        return packets;
    }
}

internal sealed record OggPacket(byte[] Data, long Granule);
