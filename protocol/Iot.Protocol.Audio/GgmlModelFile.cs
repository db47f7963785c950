using System.Buffers.Binary;

namespace Iot.Protocol.Audio;

/// <summary>
/// Walks a ggml Whisper file's structure (magic, hyper-parameters, mel filters, vocabulary, tensor headers) without
/// reading the weights, and says why it is unusable. whisper.cpp trusts the lengths it reads: on a file cut inside
/// a tensor header it resizes a vector by whatever bytes it got and the process dies with a native
/// <c>std::length_error</c> that no managed handler can catch. So nothing reaches whisper.cpp that this check has
/// not walked to the last byte.
/// </summary>
public static class GgmlModelFile
{
    private const uint Magic = 0x67676d6c;
    private const int HyperParameters = 11;
    private const int MaxDims = 4;
    private const int MaxNameBytes = 512;
    private const int MaxTokenBytes = 1 << 16;

    /// <summary>Returns null when the structure is whole, otherwise the first problem in words.</summary>
    public static string? Check(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Check(file);
    }

    /// <summary>The same walk over any seekable stream (tests cut a model in memory at thousands of points).</summary>
    public static string? Check(Stream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            return Walk(file);
        }
        catch (EndOfStreamException)
        {
            return $"the file ends at byte {file.Length} in the middle of its headers";
        }
    }

    private static string? Walk(Stream file)
    {
        var length = file.Length;
        if (ReadInt32(file) is var magic && (uint)magic != Magic)
        {
            return $"it does not start with the ggml magic (0x{(uint)magic:x8})";
        }

        for (var i = 0; i < HyperParameters; i++)
        {
            if (ReadInt32(file) < 0)
            {
                return $"hyper-parameter {i} is negative";
            }
        }

        var mels = ReadInt32(file);
        var fft = ReadInt32(file);
        if (mels <= 0 || fft <= 0 || !Skip(file, (long)mels * fft * 4))
        {
            return $"the mel filter table ({mels} x {fft}) does not fit in the file";
        }

        var tokens = ReadInt32(file);
        if (tokens < 0)
        {
            return $"the vocabulary size {tokens} is negative";
        }

        for (var i = 0; i < tokens; i++)
        {
            var bytes = ReadInt32(file);
            if (bytes is < 0 or > MaxTokenBytes || !Skip(file, bytes))
            {
                return $"vocabulary entry {i} ({bytes} bytes) does not fit in the file";
            }
        }

        var tensors = 0;
        Span<int> ne = stackalloc int[MaxDims];
        while (file.Position < length)
        {
            var dims = ReadInt32(file);
            var nameBytes = ReadInt32(file);
            var type = ReadInt32(file);
            if (dims is < 1 or > MaxDims || nameBytes is < 1 or > MaxNameBytes)
            {
                return $"tensor {tensors} has an impossible header ({dims} dimensions, {nameBytes}-byte name)";
            }

            long elements = 1;
            for (var d = 0; d < dims; d++)
            {
                ne[d] = ReadInt32(file);
                if (ne[d] <= 0)
                {
                    return $"tensor {tensors} has dimension {d} of {ne[d]}";
                }

                elements *= ne[d];
            }

            var name = System.Text.Encoding.UTF8.GetString(ReadBytes(file, nameBytes));
            if (TypeSize(type) is not var (block, size))
            {
                return $"tensor '{name}' has unknown ggml type {type}";
            }

            if (ne[0] % block != 0)
            {
                return $"tensor '{name}' has {ne[0]} columns, not a multiple of its type's block of {block}";
            }

            var data = elements / block * size;
            if (!Skip(file, data))
            {
                return $"tensor '{name}' needs {data} bytes at offset {file.Position} but the file ends at {length}";
            }

            tensors++;
        }

        return tensors == 0 ? "it has no tensors after the vocabulary" : null;
    }

    /// <summary>Block length and bytes per block of the ggml types Whisper models are published in.</summary>
    private static (int Block, int Size)? TypeSize(int type) => type switch
    {
        0 => (1, 4),     // F32
        1 => (1, 2),     // F16
        2 => (32, 18),   // Q4_0
        3 => (32, 20),   // Q4_1
        6 => (32, 22),   // Q5_0
        7 => (32, 24),   // Q5_1
        8 => (32, 34),   // Q8_0
        9 => (32, 36),   // Q8_1
        10 => (256, 84), // Q2_K
        11 => (256, 110), // Q3_K
        12 => (256, 144), // Q4_K
        13 => (256, 176), // Q5_K
        14 => (256, 210), // Q6_K
        15 => (256, 292), // Q8_K
        30 => (1, 2),    // BF16
        _ => null,
    };

    private static bool Skip(Stream file, long bytes)
    {
        if (bytes < 0 || file.Length - file.Position < bytes)
        {
            return false;
        }

        file.Seek(bytes, SeekOrigin.Current);
        return true;
    }

    private static int ReadInt32(Stream file)
    {
        Span<byte> buffer = stackalloc byte[4];
        file.ReadExactly(buffer);
        return BinaryPrimitives.ReadInt32LittleEndian(buffer);
    }

    private static byte[] ReadBytes(Stream file, int count)
    {
        var buffer = new byte[count];
        file.ReadExactly(buffer);
        return buffer;
    }
}
