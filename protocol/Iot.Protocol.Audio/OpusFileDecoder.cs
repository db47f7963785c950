using System.Buffers.Binary;
using Concentus;

namespace Iot.Protocol.Audio;

/// <summary>
/// Decodes an Ogg Opus file (RFC 7845) to mono 16-bit PCM at <see cref="SampleRate"/>: drops the pre-skip and trims
/// the end to the last granule position, so the result has exactly the samples the encoder was given.
/// </summary>
public static class OpusFileDecoder
{
    public const int SampleRate = 16000;
    private const int GranuleRate = 48000;
    private const int MaxFrameSamples = SampleRate * 120 / 1000;

    public static short[] Decode(ReadOnlySpan<byte> file)
    {
        var packets = OggPacketReader.ReadPackets(file);
        if (packets.Count < 2 || !packets[0].Data.AsSpan().StartsWith("OpusHead"u8) || !packets[1].Data.AsSpan().StartsWith("OpusTags"u8))
        {
            throw new InvalidDataException("not an Ogg Opus stream (OpusHead/OpusTags missing)");
        }

        var head = packets[0].Data;
        if (head.Length < 19 || head[18] != 0)
        {
            throw new InvalidDataException("only channel mapping family 0 (mono/stereo) is supported");
        }

        var preSkip = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10));
        var lastGranule = packets.Skip(2).Select(p => p.Granule).Where(g => g >= 0).DefaultIfEmpty(0).Max();

        // A fresh decoder per file: chunks are independent streams and decoder state must not leak between them.
        using var decoder = OpusCodecFactory.CreateDecoder(SampleRate, 1);
        var output = new List<short>(checked((int)Math.Max(0, lastGranule * SampleRate / GranuleRate)));
        var frame = new short[MaxFrameSamples];
        for (var i = 2; i < packets.Count; i++)
        {
            var samples = decoder.Decode(packets[i].Data, frame, MaxFrameSamples, false);
            if (samples < 0)
            {
                throw new InvalidDataException($"Opus packet {i} failed to decode (code {samples})");
            }

            output.AddRange(frame.AsSpan(0, samples));
        }

        var skip = (int)Math.Min(output.Count, (long)preSkip * SampleRate / GranuleRate);
        var length = (int)Math.Clamp((lastGranule - preSkip) * SampleRate / GranuleRate, 0, output.Count - skip);
        return output.GetRange(skip, length).ToArray();
    }

    public static async Task<short[]> DecodeFileAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return Decode(bytes);
    }
}
