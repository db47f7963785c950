using System.Numerics.Tensors;

namespace Iot.Edge.Agent.Speech.Silero;

/// <summary>
/// The 16 kHz graph of Silero VAD v5, as read from the ONNX file: reflection pad 64 on the right → STFT magnitude
/// (4 frames × 129 bins) → 4 Conv1d + ReLU (strides 1, 2, 2, 1, leaving one frame) → LSTM cell → ReLU → 1×1 Conv →
/// sigmoid. The recurrent state (h, c) stays inside; every buffer is allocated once, so a window allocates nothing.
/// </summary>
internal sealed class SileroNetwork
{
    private const int PadRight = 64;
    private const int Frames = ((SileroWeights.WindowSamples + PadRight - SileroWeights.FilterLength) / SileroWeights.Hop) + 1;

    private readonly float[] _basis;
    private readonly Conv1d[] _encoder;
    private readonly LstmCell _lstm;
    private readonly float[] _outputWeights;
    private readonly float _outputBias;

    private readonly float[] _padded = new float[SileroWeights.WindowSamples + PadRight];
    private readonly float[] _spectrum = new float[2 * SileroWeights.Bins * Frames];
    private readonly float[] _ping;
    private readonly float[] _pong;
    private readonly float[] _column;
    private readonly float[] _relu = new float[SileroWeights.Hidden];

    public SileroNetwork(SileroWeights weights)
    {
        _basis = weights.Basis;
        int[] strides = [1, 2, 2, 1];
        var channels = SileroWeights.Bins;
        _encoder = new Conv1d[weights.Encoder.Length];
        for (var i = 0; i < _encoder.Length; i++)
        {
            var (weight, bias) = weights.Encoder[i];
            _encoder[i] = new Conv1d(weight, bias, channels, kernel: 3, strides[i], padding: 1);
            channels = bias.Length;
        }

        var largest = _encoder.Max(c => Math.Max(c.InChannels, c.OutChannels)) * Frames;
        _ping = new float[largest];
        _pong = new float[largest];
        _column = new float[_encoder.Max(c => c.ColumnLength) * Frames];
        _lstm = new LstmCell(weights.InputWeights, weights.HiddenWeights, weights.InputBias, weights.HiddenBias, SileroWeights.Hidden);
        _outputWeights = weights.OutputWeights;
        _outputBias = weights.OutputBias;
    }

    /// <summary>Speech probability for one window of 576 samples (64 of context, then 512 new) and the state so far.</summary>
    public float Step(ReadOnlySpan<float> window)
    {
        Pad(window);
        Magnitudes(_ping);

        var length = Frames;
        var input = _ping;
        var output = _pong;
        foreach (var conv in _encoder)
        {
            conv.Forward(input, length, output, _column, relu: true);
            length = conv.OutputLength(length);
            (input, output) = (output, input);
        }

        // The encoder leaves one frame (4 → 4 → 2 → 1 → 1), so [128, 1] is the LSTM's input vector as it stands.
        _lstm.Step(input.AsSpan(0, SileroWeights.Hidden));
        TensorPrimitives.Max(_lstm.Hidden, 0f, _relu);
        var logit = TensorPrimitives.Dot(_outputWeights, _relu) + _outputBias;
        return 1f / (1f + MathF.Exp(-logit));
    }

    public void Reset() => _lstm.Reset();

    /// <summary>ONNX Pad mode 'reflect': the edge sample is not repeated.</summary>
    private void Pad(ReadOnlySpan<float> window)
    {
        window.CopyTo(_padded);
        var last = window.Length - 1;
        for (var k = 0; k < PadRight; k++)
        {
            _padded[window.Length + k] = window[last - 1 - k];
        }
    }

    /// <summary>|STFT| as [bins, frames]: sqrt(re² + im²) of the basis rows 0..128 (re) and 129..257 (im).</summary>
    private void Magnitudes(Span<float> into)
    {
        const int bins = SileroWeights.Bins;
        const int taps = SileroWeights.FilterLength;
        // The frames overlap (256 taps, hop 128), so they are read straight out of the padded window.
        for (var f = 0; f < 2 * bins; f++)
        {
            RowDots.Compute(_basis.AsSpan(f * taps, taps), _padded, SileroWeights.Hop, _spectrum.AsSpan(f * Frames, Frames));
        }

        var re = _spectrum.AsSpan(0, bins * Frames);
        var im = _spectrum.AsSpan(bins * Frames, bins * Frames);
        var magnitude = into[..(bins * Frames)];
        TensorPrimitives.Multiply(re, re, magnitude);
        TensorPrimitives.MultiplyAdd(im, im, magnitude, magnitude);
        TensorPrimitives.Sqrt(magnitude, magnitude);
    }
}
