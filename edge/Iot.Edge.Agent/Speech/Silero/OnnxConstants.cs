using System.Buffers.Binary;

namespace Iot.Edge.Agent.Speech.Silero;

/// <summary>
/// Reads the float constants out of an ONNX model, one set per graph. Silero v5 keeps its weights as <c>Constant</c>
/// nodes inside the two branches of an <c>If</c> on the sample rate, so every subgraph (node attributes g and graphs)
/// is visited and yields its own set; the caller picks the set it recognises.
/// </summary>
internal static class OnnxConstants
{
    // Field numbers from onnx.proto3.
    private const int ModelGraph = 7;
    private const int GraphNode = 1;
    private const int GraphInitializer = 5;
    private const int NodeOutput = 2;
    private const int NodeOpType = 4;
    private const int NodeAttribute = 5;
    private const int AttributeName = 1;
    private const int AttributeTensor = 5;
    private const int AttributeGraph = 6;
    private const int AttributeGraphs = 11;
    private const int TensorDims = 1;
    private const int TensorDataType = 2;
    private const int TensorFloatData = 4;
    private const int TensorName = 8;
    private const int TensorRawData = 9;
    private const int TensorDataLocation = 14;
    private const int FloatType = 1;
    private const int ExternalLocation = 1;

    /// <summary>The float constants of every graph in <paramref name="model"/>, by tensor name (or, unnamed, by node output).</summary>
    public static List<Dictionary<string, OnnxTensor>> ReadGraphs(ReadOnlySpan<byte> model)
    {
        var graphs = new List<Dictionary<string, OnnxTensor>>();
        var reader = new ProtoReader(model);
        while (reader.Next())
        {
            if (reader.Field == ModelGraph)
            {
                ReadGraph(reader.Bytes(), graphs);
            }
            else
            {
                reader.Skip();
            }
        }

        return graphs;
    }

    private static void ReadGraph(ReadOnlySpan<byte> graph, List<Dictionary<string, OnnxTensor>> graphs)
    {
        var constants = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        graphs.Add(constants);
        var reader = new ProtoReader(graph);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case GraphInitializer:
                    Add(constants, ReadTensor(reader.Bytes()), fallbackName: null);
                    break;
                case GraphNode:
                    ReadNode(reader.Bytes(), constants, graphs);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    private static void ReadNode(ReadOnlySpan<byte> node, Dictionary<string, OnnxTensor> constants, List<Dictionary<string, OnnxTensor>> graphs)
    {
        string? opType = null;
        string? output = null;
        OnnxTensor? value = null;
        var reader = new ProtoReader(node);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case NodeOpType:
                    opType = System.Text.Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case NodeOutput:
                    var name = System.Text.Encoding.UTF8.GetString(reader.Bytes());
                    output ??= name;
                    break;
                case NodeAttribute:
                    value = ReadAttribute(reader.Bytes(), graphs) ?? value;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (opType == "Constant")
        {
            Add(constants, value, output);
        }
    }

    /// <summary>Descends into subgraphs; returns the tensor of a <c>value</c> attribute, if any.</summary>
    private static OnnxTensor? ReadAttribute(ReadOnlySpan<byte> attribute, List<Dictionary<string, OnnxTensor>> graphs)
    {
        string? name = null;
        OnnxTensor? tensor = null;
        var reader = new ProtoReader(attribute);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case AttributeName:
                    name = System.Text.Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case AttributeTensor:
                    tensor = ReadTensor(reader.Bytes());
                    break;
                case AttributeGraph or AttributeGraphs:
                    ReadGraph(reader.Bytes(), graphs);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return name == "value" ? tensor : null;
    }

    /// <summary>Null for tensors that are not float32 (shape constants and the like).</summary>
    private static OnnxTensor? ReadTensor(ReadOnlySpan<byte> tensor)
    {
        var dims = new List<long>();
        var floats = new List<float>();
        var dataType = 0UL;
        var name = "";
        var raw = ReadOnlySpan<byte>.Empty;
        var reader = new ProtoReader(tensor);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case TensorDims:
                    reader.AddInt64s(dims);
                    break;
                case TensorDataType:
                    dataType = reader.Varint();
                    break;
                case TensorName:
                    name = System.Text.Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case TensorRawData:
                    raw = reader.Bytes();
                    break;
                case TensorFloatData:
                    reader.AddFloats(floats);
                    break;
                case TensorDataLocation:
                    if (reader.Varint() == ExternalLocation)
                    {
                        throw new InvalidDataException($"tensor '{name}' is stored outside the model file");
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (dataType != FloatType)
        {
            return null;
        }

        var count = 1L;
        foreach (var dim in dims)
        {
            count = dim >= 0 ? checked(count * dim) : throw new InvalidDataException($"tensor '{name}' has a negative dimension");
        }

        float[] data;
        if (raw.Length > 0 || floats.Count == 0)
        {
            if (raw.Length != count * sizeof(float))
            {
                throw new InvalidDataException($"tensor '{name}' holds {raw.Length} bytes for {count} floats");
            }

            data = new float[count];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
            }
        }
        else
        {
            data = floats.Count == count ? [.. floats] : throw new InvalidDataException($"tensor '{name}' holds {floats.Count} floats, expected {count}");
        }

        return new OnnxTensor(name, [.. dims], data);
    }

    private static void Add(Dictionary<string, OnnxTensor> constants, OnnxTensor? tensor, string? fallbackName)
    {
        if (tensor is null)
        {
            return;
        }

        var name = tensor.Name.Length > 0 ? tensor.Name : fallbackName;
        if (name is not null)
        {
            constants[name] = tensor with { Name = name };
        }
    }
}
