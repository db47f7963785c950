namespace Iot.Edge.Agent.Speech.Silero;

/// <summary>
/// The 16 kHz half of Silero VAD v5, checked tensor by tensor against the shapes the managed network is written for.
/// </summary>
internal sealed class SileroWeights
{
    public const int WindowSamples = 576;
    public const int FilterLength = 256;
    public const int Hop = 128;
    public const int Bins = 129;
    public const int Hidden = 128;

    private const string BasisName = "stft.forward_basis_buffer";

    private SileroWeights(IReadOnlyDictionary<string, OnnxTensor> constants)
    {
        Basis = Take(constants, BasisName, 2 * Bins, 1, FilterLength);
        Encoder =
        [
            (Take(constants, "encoder.0.reparam_conv.weight", 128, Bins, 3), Take(constants, "encoder.0.reparam_conv.bias", 128)),
            (Take(constants, "encoder.1.reparam_conv.weight", 64, 128, 3), Take(constants, "encoder.1.reparam_conv.bias", 64)),
            (Take(constants, "encoder.2.reparam_conv.weight", 64, 64, 3), Take(constants, "encoder.2.reparam_conv.bias", 64)),
            (Take(constants, "encoder.3.reparam_conv.weight", Hidden, 64, 3), Take(constants, "encoder.3.reparam_conv.bias", Hidden)),
        ];
        InputWeights = Take(constants, "decoder.rnn.weight_ih", 4 * Hidden, Hidden);
        HiddenWeights = Take(constants, "decoder.rnn.weight_hh", 4 * Hidden, Hidden);
        InputBias = Take(constants, "decoder.rnn.bias_ih", 4 * Hidden);
        HiddenBias = Take(constants, "decoder.rnn.bias_hh", 4 * Hidden);
        OutputWeights = Take(constants, "decoder.decoder.2.weight", 1, Hidden, 1);
        OutputBias = Take(constants, "decoder.decoder.2.bias", 1)[0];
    }

    /// <summary>STFT as a convolution: rows 0..128 the real parts, 129..257 the imaginary parts, each 256 taps.</summary>
    public float[] Basis { get; }

    /// <summary>Four Conv1d (kernel 3, padding 1) + ReLU blocks, weights [out, in, 3].</summary>
    public (float[] Weight, float[] Bias)[] Encoder { get; }

    /// <summary>PyTorch LSTMCell layout, gate rows in the order input, forget, cell, output.</summary>
    public float[] InputWeights { get; }

    public float[] HiddenWeights { get; }

    public float[] InputBias { get; }

    public float[] HiddenBias { get; }

    public float[] OutputWeights { get; }

    public float OutputBias { get; }

    /// <summary>
    /// The model holds an 8 kHz and a 16 kHz graph under the same tensor names; the 16 kHz one is told apart by its
    /// 256-tap STFT basis (the 8 kHz basis has 128 taps).
    /// </summary>
    public static SileroWeights Read(ReadOnlySpan<byte> model)
    {
        var graphs = OnnxConstants.ReadGraphs(model);
        var sixteen = graphs.FirstOrDefault(g => Find(g, BasisName) is { } basis && basis.HasShape(2 * Bins, 1, FilterLength));
        if (sixteen is null)
        {
            var bases = graphs.Select(g => Find(g, BasisName)).OfType<OnnxTensor>().Select(t => t.Shape).ToList();
            throw new InvalidModelException(bases.Count == 0
                ? $"it lacks {BasisName}"
                : $"it has no 16 kHz STFT basis [{2 * Bins}, 1, {FilterLength}] (found {string.Join(", ", bases)})");
        }

        return new SileroWeights(sixteen);
    }

    private static float[] Take(IReadOnlyDictionary<string, OnnxTensor> constants, string name, params ReadOnlySpan<long> dims)
    {
        var tensor = Find(constants, name) ?? throw new InvalidModelException($"it lacks {name}");
        return tensor.HasShape(dims)
            ? tensor.Data
            : throw new InvalidModelException($"{name} has shape {tensor.Shape}, expected [{string.Join(", ", dims.ToArray())}]");
    }

    /// <summary>Exporters name a constant by its tensor or only by its node output, which carries the scope as a prefix.</summary>
    private static OnnxTensor? Find(IReadOnlyDictionary<string, OnnxTensor> constants, string name) =>
        constants.TryGetValue(name, out var tensor)
            ? tensor
            : constants.Where(c => c.Key.EndsWith("__" + name, StringComparison.Ordinal)).Select(c => c.Value).FirstOrDefault();
}

/// <summary>The file parses as ONNX but is not the Silero VAD v5 the managed network implements.</summary>
internal sealed class InvalidModelException(string message) : Exception(message);
