using Iot.Edge.Agent.Speech;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Speech;

/// <summary>What the managed reader makes of well-formed files that are not the Silero v5 model it implements.</summary>
public class ManagedSileroModelFileTests
{
    [Theory]
    [InlineData(null, "it lacks stft.forward_basis_buffer")]
    [InlineData(new long[] { 130, 1, 128 }, "no 16 kHz STFT basis [258, 1, 256] (found [130, 1, 128])")]
    [InlineData(new long[] { 258, 1, 256 }, "it lacks encoder.0.reparam_conv.weight")]
    public void A_model_that_is_not_Silero_v5_is_refused_naming_what_it_lacks(long[]? basisDims, string reason)
    {
        using var dir = new TempDirectory();
        var model = dir.Sub("silero_vad_v5.onnx");
        File.WriteAllBytes(model, basisDims is null ? [] : OnnxWithOneConstant("stft.forward_basis_buffer", basisDims));

        var ex = Assert.Throws<VadModelException>(() => ManagedSileroSpeechDetector.Open(model));

        Assert.Contains(model, ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Contains("fetch-vad-model.sh", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>ModelProto { graph { node { output "c", op_type "Constant", attribute { name "value", t { dims, float, name, raw_data } } } } }.</summary>
    private static byte[] OnnxWithOneConstant(string name, long[] dims)
    {
        var tensor = new List<byte>();
        foreach (var dim in dims)
        {
            tensor.AddRange(Varint(1 << 3));
            tensor.AddRange(Varint((ulong)dim));
        }

        tensor.AddRange(Varint(2 << 3));
        tensor.AddRange(Varint(1));
        tensor.AddRange(Field(8, System.Text.Encoding.UTF8.GetBytes(name)));
        tensor.AddRange(Field(9, new byte[dims.Aggregate(4L, (a, d) => a * d)]));
        var attribute = Field(1, "value"u8.ToArray()).Concat(Field(5, [.. tensor])).ToArray();
        var node = Field(2, "c"u8.ToArray()).Concat(Field(4, "Constant"u8.ToArray())).Concat(Field(5, attribute)).ToArray();
        return Field(7, Field(1, node));
    }

    private static byte[] Field(int number, byte[] payload) => [.. Varint((ulong)((number << 3) | 2)), .. Varint((ulong)payload.Length), .. payload];

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}
