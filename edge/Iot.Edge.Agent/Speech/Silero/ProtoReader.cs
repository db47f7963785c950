using System.Buffers.Binary;

namespace Iot.Edge.Agent.Speech.Silero;

/// <summary>
/// Protocol-buffer wire format, just enough to walk an ONNX file: varints, fixed 32/64-bit values and
/// length-delimited fields. Hand-written so the agent needs no code generator or reflection (NativeAOT).
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    public int Field { get; private set; }

    public WireType Type { get; private set; }

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next()
    {
        if (_at >= _data.Length)
        {
            return false;
        }

        var key = ReadVarint();
        Field = (int)(key >> 3);
        Type = (WireType)(key & 7);
        if (Field == 0)
        {
            throw new InvalidDataException("field number 0");
        }

        return true;
    }

    public ulong Varint() => Type == WireType.Varint ? ReadVarint() : throw Unexpected(WireType.Varint);

    public ReadOnlySpan<byte> Bytes()
    {
        if (Type != WireType.LengthDelimited)
        {
            throw Unexpected(WireType.LengthDelimited);
        }

        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _at))
        {
            throw new InvalidDataException($"field {Field} runs {length} bytes past the end of its message");
        }

        var bytes = _data.Slice(_at, (int)length);
        _at += (int)length;
        return bytes;
    }

    public void Skip()
    {
        switch (Type)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Advance(8);
                break;
            case WireType.LengthDelimited:
                Bytes();
                break;
            case WireType.Fixed32:
                Advance(4);
                break;
            default:
                throw new InvalidDataException($"field {Field} has unsupported wire type {(int)Type}");
        }
    }

    /// <summary>Repeated integers arrive packed (one length-delimited run) or one per field; both are accepted.</summary>
    public void AddInt64s(List<long> into)
    {
        if (Type == WireType.Varint)
        {
            into.Add((long)ReadVarint());
            return;
        }

        var inner = new ProtoReader(Bytes());
        while (inner._at < inner._data.Length)
        {
            into.Add((long)inner.ReadVarint());
        }
    }

    /// <summary>Repeated floats: packed little-endian run or single fixed32 fields.</summary>
    public void AddFloats(List<float> into)
    {
        if (Type == WireType.Fixed32)
        {
            into.Add(BinaryPrimitives.ReadSingleLittleEndian(_data.Slice(Advance(4), 4)));
            return;
        }

        var bytes = Bytes();
        if (bytes.Length % 4 != 0)
        {
            throw new InvalidDataException($"field {Field} holds {bytes.Length} bytes, not whole floats");
        }

        for (var i = 0; i < bytes.Length; i += 4)
        {
            into.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes[i..]));
        }
    }

    private int Advance(int count)
    {
        if (count > _data.Length - _at)
        {
            throw new InvalidDataException($"field {Field} runs past the end of its message");
        }

        var start = _at;
        _at += count;
        return start;
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_at >= _data.Length)
            {
                throw new InvalidDataException("a varint runs past the end of its message");
            }

            var b = _data[_at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("a varint is longer than 10 bytes");
    }

    private readonly InvalidDataException Unexpected(WireType expected) =>
        new($"field {Field} has wire type {(int)Type}, expected {(int)expected}");
}

internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}
