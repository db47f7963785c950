using Iot.Edge.Agent.Speech;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Speech;

/// <summary>What the managed reader makes of files that are not the Silero v5 model it implements.</summary>
public class ManagedSileroModelFileTests
{
    [Fact]
    public void An_empty_file_is_refused_as_not_Silero()
    {
        using var dir = new TempDirectory();
        var model = dir.Sub("silero_vad_v5.onnx");
        File.WriteAllBytes(model, []);

        var ex = Assert.Throws<VadModelException>(() => ManagedSileroSpeechDetector.Open(model));

        Assert.Contains(model, ex.Message, StringComparison.Ordinal);
        Assert.Contains("stft.forward_basis_buffer", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(2_000_000)]
    public void A_model_cut_short_is_refused_with_its_path(int keptBytes)
    {
        using var dir = new TempDirectory();
        var model = dir.Sub("silero_vad_v5.onnx");
        File.WriteAllBytes(model, File.ReadAllBytes(VadModelFile.Locate()).AsSpan(0, keptBytes).ToArray());

        var ex = Assert.Throws<VadModelException>(() => ManagedSileroSpeechDetector.Open(model));

        Assert.Contains(model, ex.Message, StringComparison.Ordinal);
        Assert.Contains("fetch-vad-model.sh", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_with_only_the_8_kHz_graph_is_refused_naming_the_basis_it_found()
    {
        using var dir = new TempDirectory();
        var model = dir.Sub("silero_vad_v5.onnx");
        File.WriteAllBytes(model, OnnxWithOneConstant("stft.forward_basis_buffer", [130, 1, 128]));

        var ex = Assert.Throws<VadModelException>(() => ManagedSileroSpeechDetector.Open(model));

        Assert.Contains(model, ex.Message, StringComparison.Ordinal);
        Assert.Contains("[130, 1, 128]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_with_a_weight_of_another_shape_is_refused_naming_the_weight()
    {
        using var dir = new TempDirectory();
        var model = dir.Sub("silero_vad_v5.onnx");
        File.WriteAllBytes(model, OnnxWithOneConstant("stft.forward_basis_buffer", [258, 1, 256]));

        var ex = Assert.Throws<VadModelException>(() => ManagedSileroSpeechDetector.Open(model));

        Assert.Contains(model, ex.Message, StringComparison.Ordinal);
        Assert.Contains("encoder.0.reparam_conv.weight", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>ModelProto { graph { node { op_type "Constant", output "c", attribute { name "value", t { dims, data_type float, name, raw_data } } } } }.</summary>
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
