using System.Buffers.Binary;
using NAudio.Dsp;

namespace Iot.Edge.Capture.Windows;

/// <summary>
/// Turns what a Windows endpoint delivers (usually its 48 kHz float stereo mix format) into the agent's 16-bit mono
/// stream: channels are averaged, then NAudio's WDL resampler runs with the settings of WdlResamplingSampleProvider
/// (linear interpolation behind a two-stage low-pass). It runs input-driven because a capture callback pushes packets;
/// the pull-driven sample provider pads with zeros whenever the device is a little late. Input-driven linear mode
/// holds back one input frame and carries the fractional position across packets, so N input frames always add up to
/// N·out/in output samples (±1), however the packets are cut: timestamps derived from sample counts never drift.
/// </summary>
public sealed class MonoPcmConverter
{
    private readonly WdlResampler? _resampler;
    private float[] _decoded = [];
    private float[] _mono = [];
    private float[] _resampled = [];

    public MonoPcmConverter(CaptureFormat input, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(input.SampleRate, 1, nameof(input));
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Channels, 1, nameof(input));
        ArgumentOutOfRangeException.ThrowIfLessThan(outputRate, 1);
        Input = input;
        OutputRate = outputRate;
        if (input.SampleRate != outputRate)
        {
            _resampler = new WdlResampler();
            _resampler.SetMode(true, 2, false);
            _resampler.SetFilterParms();
            _resampler.SetFeedMode(true);
            _resampler.SetRates(input.SampleRate, outputRate);
        }
    }

    public CaptureFormat Input { get; }

    public int OutputRate { get; }

    /// <summary>Most samples <see cref="Convert"/> can write for a packet of <paramref name="inputBytes"/>.</summary>
    public int MaxOutput(int inputBytes)
    {
        var frames = inputBytes / Input.BytesPerFrame;
        return _resampler is null ? frames : (int)((long)frames * OutputRate / Input.SampleRate) + 2;
    }

    /// <summary>Converts one packet of whole interleaved frames (a trailing partial frame is ignored).</summary>
    public int Convert(ReadOnlySpan<byte> interleaved, Span<short> destination)
    {
        var frames = interleaved.Length / Input.BytesPerFrame;
        if (frames == 0)
        {
            return 0;
        }

        Grow(ref _mono, frames);
        var mono = _mono.AsSpan(0, frames);
        Downmix(interleaved[..(frames * Input.BytesPerFrame)], mono);
        if (_resampler is null)
        {
            ToPcm16(mono, destination);
            return frames;
        }

        var max = MaxOutput(interleaved.Length);
        Grow(ref _resampled, max);
        var produced = 0;
        while (!mono.IsEmpty)
        {
            var accepted = _resampler.ResamplePrepare(mono.Length, 1, out var input);
            mono[..accepted].CopyTo(input);
            produced += _resampler.ResampleOut(_resampled.AsSpan(produced), accepted, max - produced, 1);
            mono = mono[accepted..];
        }

        ToPcm16(_resampled.AsSpan(0, produced), destination);
        return produced;
    }

    private void Downmix(ReadOnlySpan<byte> interleaved, Span<float> mono)
    {
        var channels = Input.Channels;
        Grow(ref _decoded, mono.Length * channels);
        var decoded = _decoded.AsSpan(0, mono.Length * channels);
        Decode(Input.Encoding, interleaved, decoded);
        if (channels == 1)
        {
            decoded.CopyTo(mono);
            return;
        }

        var scale = 1f / channels;
        for (var frame = 0; frame < mono.Length; frame++)
        {
            var sum = 0f;
            foreach (var sample in decoded.Slice(frame * channels, channels))
            {
                sum += sample;
            }

            mono[frame] = sum * scale;
        }
    }

    private static void Decode(SampleEncoding encoding, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (encoding)
        {
            case SampleEncoding.Float32:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
                }

                break;
            case SampleEncoding.Pcm16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt16LittleEndian(source[(i * 2)..]) / 32768f;
                }

                break;
            case SampleEncoding.Pcm24:
                for (var i = 0; i < destination.Length; i++)
                {
                    var s = source.Slice(i * 3, 3);
                    destination[i] = (s[0] | (s[1] << 8) | ((sbyte)s[2] << 16)) / 8388608f;
                }

                break;
            default:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt32LittleEndian(source[(i * 4)..]) / 2147483648f;
                }

                break;
        }
    }

    private static void ToPcm16(ReadOnlySpan<float> samples, Span<short> destination)
    {
        // Scaling by 32768 (not 32767) keeps 16-bit input bit-exact when no resampling is needed.
        for (var i = 0; i < samples.Length; i++)
        {
            destination[i] = (short)Math.Clamp((int)MathF.Round(samples[i] * 32768f), short.MinValue, short.MaxValue);
        }
    }

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }
    }
}
