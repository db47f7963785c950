using System.Buffers.Binary;
using System.Text;

namespace Iot.TestSupport;

/// <summary>
/// Decodes the parts of an OTLP <c>ExportTraceServiceRequest</c> (opentelemetry/proto/collector/trace/v1) the tests
/// assert on, straight from the protobuf wire format: no package with the generated OTLP types is available, and the
/// wire format is small (varint, fixed64, length-delimited, fixed32). Unknown fields are skipped, as protobuf requires.
/// </summary>
public static class OtlpTraceDecoder
{
    public static IReadOnlyList<OtlpSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<OtlpSpan>();
        var reader = new Reader(request.ToArray());
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                ResourceSpans(reader.Bytes(), spans);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return spans;
    }

    private static void ResourceSpans(byte[] message, List<OtlpSpan> spans)
    {
        var resource = new Dictionary<string, object?>();
        var scopes = new List<byte[]>();
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    // Resource { repeated KeyValue attributes = 1; }
                    var r = new Reader(reader.Bytes());
                    while (r.Next(out var f, out var w))
                    {
                        if (f == 1 && w == 2)
                        {
                            KeyValue(r.Bytes(), resource);
                        }
                        else
                        {
                            r.Skip(w);
                        }
                    }

                    break;
                case (2, 2):
                    scopes.Add(reader.Bytes());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        foreach (var scope in scopes)
        {
            // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
            var s = new Reader(scope);
            while (s.Next(out var f, out var w))
            {
                if (f == 2 && w == 2)
                {
                    spans.Add(Span(s.Bytes(), resource));
                }
                else
                {
                    s.Skip(w);
                }
            }
        }
    }

    private static OtlpSpan Span(byte[] message, Dictionary<string, object?> resource)
    {
        string traceId = "", spanId = "", name = "";
        string? parent = null;
        var kind = 0;
        var status = 0;
        var attributes = new Dictionary<string, object?>();
        var events = new List<string>();
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    traceId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (2, 2):
                    spanId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (4, 2):
                    var p = reader.Bytes();
                    parent = p.Length == 0 ? null : Convert.ToHexStringLower(p);
                    break;
                case (5, 2):
                    name = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (6, 0):
                    kind = (int)reader.Varint();
                    break;
                case (9, 2):
                    KeyValue(reader.Bytes(), attributes);
                    break;
                case (11, 2):
                    // Event { fixed64 time_unix_nano = 1; string name = 2; ... }
                    var e = new Reader(reader.Bytes());
                    while (e.Next(out var f, out var w))
                    {
                        if (f == 2 && w == 2)
                        {
                            events.Add(Encoding.UTF8.GetString(e.Bytes()));
                        }
                        else
                        {
                            e.Skip(w);
                        }
                    }

                    break;
                case (15, 2):
                    // Status { string message = 2; StatusCode code = 3; }
                    var st = new Reader(reader.Bytes());
                    while (st.Next(out var f, out var w))
                    {
                        if (f == 3 && w == 0)
                        {
                            status = (int)st.Varint();
                        }
                        else
                        {
                            st.Skip(w);
                        }
                    }

                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OtlpSpan(traceId, spanId, parent, name, kind, attributes, resource, events, status);
    }

    private static void KeyValue(byte[] message, Dictionary<string, object?> into)
    {
        string? key = null;
        object? value = null;
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    key = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (2, 2):
                    value = AnyValue(reader.Bytes());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (key is not null)
        {
            into[key] = value;
        }
    }

    /// <summary>AnyValue: string 1, bool 2, int64 3, double 4, ArrayValue 5 (repeated AnyValue values = 1), bytes 7.</summary>
    private static object? AnyValue(byte[] message)
    {
        object? value = null;
        var reader = new Reader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2):
                    value = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (2, 0):
                    value = reader.Varint() != 0;
                    break;
                case (3, 0):
                    value = (long)reader.Varint();
                    break;
                case (4, 1):
                    value = BitConverter.Int64BitsToDouble((long)reader.Fixed64());
                    break;
                case (5, 2):
                    var items = new List<object?>();
                    var array = new Reader(reader.Bytes());
                    while (array.Next(out var f, out var w))
                    {
                        if (f == 1 && w == 2)
                        {
                            items.Add(AnyValue(array.Bytes()));
                        }
                        else
                        {
                            array.Skip(w);
                        }
                    }

                    value = items;
                    break;
                case (7, 2):
                    value = reader.Bytes();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return value;
    }

    private sealed class Reader(byte[] buffer)
    {
        private int _position;

        public bool Next(out int field, out int wire)
        {
            if (_position >= buffer.Length)
            {
                field = wire = 0;
                return false;
            }

            var tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            return field > 0 ? true : throw new FormatException($"field number 0 at byte {_position}");
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw new FormatException("varint longer than 10 bytes");
        }

        public ulong Fixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public byte[] Bytes() => Take(checked((int)Varint())).ToArray();

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    Take(8);
                    break;
                case 2:
                    Take(checked((int)Varint()));
                    break;
                case 5:
                    Take(4);
                    break;
                default:
                    throw new FormatException($"unsupported wire type {wire}");
            }
        }

        private byte Byte() => _position < buffer.Length ? buffer[_position++] : throw new FormatException("message ends inside a field");

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length < 0 || _position + length > buffer.Length)
            {
                throw new FormatException($"field of {length} bytes runs past the end of the message");
            }

            var span = buffer.AsSpan(_position, length);
            _position += length;
            return span;
        }
    }
}
