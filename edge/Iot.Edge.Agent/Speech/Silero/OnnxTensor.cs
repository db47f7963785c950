namespace Iot.Edge.Agent.Speech.Silero;

/// <summary>A float32 constant of an ONNX graph: an initializer or the value of a <c>Constant</c> node.</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, float[] Data)
{
    public string Shape => $"[{string.Join(", ", Dims)}]";

    public bool HasShape(params ReadOnlySpan<long> dims) => Dims.AsSpan().SequenceEqual(dims);
}
