using System.Numerics.Tensors;

namespace Iot.Edge.Agent.Speech.Silero;

/// <summary>
/// One step of an LSTM. The input and recurrent weights are joined row by row into [4·hidden, input + hidden] and the
/// two biases summed once, so each gate is one dot product with [x, h]. Gate order is PyTorch's (i, f, g, o): the file
/// stores the cell's own weights and the exported graph only re-slices them into ONNX's (i, o, f, c) order.
/// </summary>
internal sealed class LstmCell
{
    private readonly int _hidden;
    private readonly int _width;
    private readonly float[] _weights;
    private readonly float[] _bias;
    private readonly float[] _inputAndHidden;
    private readonly float[] _gates;
    private readonly float[] _cellTanh;

    public LstmCell(float[] inputWeights, float[] hiddenWeights, float[] inputBias, float[] hiddenBias, int hidden)
    {
        _hidden = hidden;
        var inputs = inputWeights.Length / (4 * hidden);
        _width = inputs + hidden;
        _weights = new float[4 * hidden * _width];
        for (var r = 0; r < 4 * hidden; r++)
        {
            inputWeights.AsSpan(r * inputs, inputs).CopyTo(_weights.AsSpan(r * _width));
            hiddenWeights.AsSpan(r * hidden, hidden).CopyTo(_weights.AsSpan((r * _width) + inputs));
        }

        _bias = new float[4 * hidden];
        TensorPrimitives.Add(inputBias, hiddenBias, _bias);
        _inputAndHidden = new float[_width];
        _gates = new float[4 * hidden];
        _cellTanh = new float[hidden];
        Hidden = new float[hidden];
        Cell = new float[hidden];
    }

    public float[] Hidden { get; }

    public float[] Cell { get; }

    public void Step(ReadOnlySpan<float> input)
    {
        input.CopyTo(_inputAndHidden);
        Hidden.CopyTo(_inputAndHidden.AsSpan(input.Length));
        for (var r = 0; r < _gates.Length; r++)
        {
            _gates[r] = TensorPrimitives.Dot(_weights.AsSpan(r * _width, _width), _inputAndHidden) + _bias[r];
        }

        var h = _hidden;
        var inputGate = _gates.AsSpan(0, h);
        var forgetGate = _gates.AsSpan(h, h);
        var candidate = _gates.AsSpan(2 * h, h);
        var outputGate = _gates.AsSpan(3 * h, h);
        TensorPrimitives.Sigmoid(inputGate, inputGate);
        TensorPrimitives.Sigmoid(forgetGate, forgetGate);
        TensorPrimitives.Tanh(candidate, candidate);
        TensorPrimitives.Sigmoid(outputGate, outputGate);

        // c' = f·c + i·g; h' = o·tanh(c')
        TensorPrimitives.Multiply(forgetGate, Cell, Cell);
        TensorPrimitives.MultiplyAdd(inputGate, candidate, Cell, Cell);
        TensorPrimitives.Tanh(Cell, _cellTanh);
        TensorPrimitives.Multiply(outputGate, _cellTanh, Hidden);
    }

    public void Reset()
    {
        Array.Clear(Hidden);
        Array.Clear(Cell);
    }
}
