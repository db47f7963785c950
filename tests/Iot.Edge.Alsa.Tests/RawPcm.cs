using System.Buffers.Binary;

namespace Iot.Edge.Alsa.Tests;

/// <summary>Known microphone input: deterministic, non-periodic samples including both extremes, as raw S16_LE.</summary>
internal static class RawPcm
{
    public static short[] Samples(int count, int seed)
    {
        var random = new Random(seed);
        var samples = new short[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        samples[0] = short.MinValue;
        samples[^1] = short.MaxValue;
        return samples;
    }

    public static byte[] Bytes(ReadOnlySpan<short> samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), samples[i]);
        }

        return bytes;
    }

    public static void Write(string path, ReadOnlySpan<short> samples) => File.WriteAllBytes(path, Bytes(samples));
}
