using System.Buffers.Binary;
using Iot.Edge.Capture.Windows;

namespace Iot.Edge.Windows.Tests;

/// <summary>Test tones in any capture format, and the measurements the tests make on the result.</summary>
internal static class Signals
{
    public static byte[] Sine(CaptureFormat format, double frequency, double amplitude, double seconds)
    {
        var frames = (int)Math.Round(format.SampleRate * seconds);
        var bytes = new byte[frames * format.BytesPerFrame];
        for (var frame = 0; frame < frames; frame++)
        {
            var value = amplitude * Math.Sin(2 * Math.PI * frequency * frame / format.SampleRate);
            for (var channel = 0; channel < format.Channels; channel++)
            {
                Write(format.Encoding, value, bytes.AsSpan((frame * format.Channels + channel) * format.BytesPerSample, format.BytesPerSample));
            }
        }

        return bytes;
    }

    public static byte[] Mono16(IEnumerable<short> samples)
    {
        var list = samples.ToArray();
        var bytes = new byte[list.Length * 2];
        for (var i = 0; i < list.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), list[i]);
        }

        return bytes;
    }

    public static short[] ConvertInPackets(MonoPcmConverter converter, byte[] input, IEnumerable<int> packetFrames)
    {
        var output = new List<short>();
        var offset = 0;
        using var sizes = packetFrames.GetEnumerator();
        while (offset < input.Length)
        {
            var frames = sizes.MoveNext() ? sizes.Current : 480;
            var length = Math.Min(frames * converter.Input.BytesPerFrame, input.Length - offset);
            var packet = input.AsSpan(offset, length);
            var destination = new short[converter.MaxOutput(length)];
            output.AddRange(destination.AsSpan(0, converter.Convert(packet, destination)).ToArray());
            offset += length;
        }

        return [.. output];
    }

    public static IEnumerable<int> Repeat(int frames)
    {
        while (true)
        {
            yield return frames;
        }
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Frequency from rising zero crossings, interpolated between samples, over the whole span.</summary>
    public static double Frequency(ReadOnlySpan<short> samples, int sampleRate)
    {
        double? first = null;
        double last = 0;
        var cycles = -1;
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i - 1] < 0 && samples[i] >= 0)
            {
                var at = i - 1 + (double)-samples[i - 1] / (samples[i] - samples[i - 1]);
                first ??= at;
                last = at;
                cycles++;
            }
        }

        return cycles <= 0 ? 0 : cycles * sampleRate / (last - first!.Value);
    }

    private static void Write(SampleEncoding encoding, double value, Span<byte> target)
    {
        switch (encoding)
        {
            case SampleEncoding.Float32:
                BinaryPrimitives.WriteSingleLittleEndian(target, (float)value);
                break;
            case SampleEncoding.Pcm16:
                BinaryPrimitives.WriteInt16LittleEndian(target, (short)Math.Round(value * 32767));
                break;
            case SampleEncoding.Pcm24:
                var v24 = (int)Math.Round(value * 8388607);
                target[0] = (byte)v24;
                target[1] = (byte)(v24 >> 8);
                target[2] = (byte)(v24 >> 16);
                break;
            default:
                BinaryPrimitives.WriteInt32LittleEndian(target, (int)Math.Round(value * 2147483647));
                break;
        }
    }
}
