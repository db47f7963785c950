using System.Numerics.Tensors;

namespace Iot.Edge.Agent.Speech.Silero;

/// <summary>
/// ONNX Conv over one sequence, laid out [channels, time]. Each output step gathers its receptive field into one
/// contiguous column (zeros where the padding lies), so that every output channel is a single dot product with its
/// weight row [in, kernel] as stored.
/// </summary>
internal sealed class Conv1d(float[] weight, float[] bias, int inChannels, int kernel, int stride, int padding)
{
    private readonly int _outChannels = bias.Length;
    private readonly int _rowLength = inChannels * kernel;

    public int InChannels => inChannels;

    public int OutChannels => _outChannels;

    public int ColumnLength => _rowLength;

    public int OutputLength(int inputLength) => ((inputLength + (2 * padding) - kernel) / stride) + 1;

    /// <summary>
    /// Writes [out, OutputLength] into <paramref name="output"/>, then applies ReLU if asked. <paramref name="columns"/>
    /// holds one gathered column per output step (<see cref="ColumnLength"/> each, at most <see cref="RowDots.MaxColumns"/>).
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, int inputLength, Span<float> output, Span<float> columns, bool relu)
    {
        var outputLength = OutputLength(inputLength);
        for (var t = 0; t < outputLength; t++)
        {
            var column = columns.Slice(t * _rowLength, _rowLength);
            var first = (t * stride) - padding;
            for (var c = 0; c < inChannels; c++)
            {
                var channel = input.Slice(c * inputLength, inputLength);
                for (var k = 0; k < kernel; k++)
                {
                    var at = first + k;
                    column[(c * kernel) + k] = (uint)at < (uint)inputLength ? channel[at] : 0f;
                }
            }
        }

        for (var o = 0; o < _outChannels; o++)
        {
            var steps = output.Slice(o * outputLength, outputLength);
            RowDots.Compute(weight.AsSpan(o * _rowLength, _rowLength), columns, _rowLength, steps);
            TensorPrimitives.Add(steps, bias[o], steps);
        }

        if (relu)
        {
            var all = output[..(_outChannels * outputLength)];
            TensorPrimitives.Max(all, 0f, all);
        }
    }
}
