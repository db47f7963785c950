using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Iot.Edge.Agent.Speech.Silero;

/// <summary>
/// One weight row against up to four input columns in a single pass. The weights (1.3 MB) do not fit in L1/L2 of a
/// small board, so reading each row once for all time steps, instead of once per step, is what makes the convolutions
/// cheap; the inputs are a few KB and stay cached.
/// </summary>
internal static class RowDots
{
    public const int MaxColumns = 4;

    /// <summary>results[j] = row · source[j·stride .. j·stride + row.Length] for j &lt; results.Length.</summary>
    public static void Compute(ReadOnlySpan<float> row, ReadOnlySpan<float> source, int stride, Span<float> results)
    {
        var length = row.Length;
        switch (results.Length)
        {
            case 1:
                results[0] = TensorPrimitives.Dot(row, source[..length]);
                break;
            case 2:
                Two(row, source[..length], source.Slice(stride, length), results);
                break;
            case 4:
                Four(row, source[..length], source.Slice(stride, length), source.Slice(2 * stride, length), source.Slice(3 * stride, length), results);
                break;
            default:
                for (var j = 0; j < results.Length; j++)
                {
                    results[j] = TensorPrimitives.Dot(row, source.Slice(j * stride, length));
                }

                break;
        }
    }

    private static void Two(ReadOnlySpan<float> row, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> results)
    {
        var rowV = MemoryMarshal.Cast<float, Vector<float>>(row);
        var aV = MemoryMarshal.Cast<float, Vector<float>>(a);
        var bV = MemoryMarshal.Cast<float, Vector<float>>(b);
        Vector<float> sumA = default, sumB = default;
        for (var i = 0; i < rowV.Length; i++)
        {
            var w = rowV[i];
            sumA += w * aV[i];
            sumB += w * bV[i];
        }

        var ra = Vector.Sum(sumA);
        var rb = Vector.Sum(sumB);
        for (var i = rowV.Length * Vector<float>.Count; i < row.Length; i++)
        {
            ra += row[i] * a[i];
            rb += row[i] * b[i];
        }

        results[0] = ra;
        results[1] = rb;
    }

    private static void Four(ReadOnlySpan<float> row, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, ReadOnlySpan<float> d, Span<float> results)
    {
        var rowV = MemoryMarshal.Cast<float, Vector<float>>(row);
        var aV = MemoryMarshal.Cast<float, Vector<float>>(a);
        var bV = MemoryMarshal.Cast<float, Vector<float>>(b);
        var cV = MemoryMarshal.Cast<float, Vector<float>>(c);
        var dV = MemoryMarshal.Cast<float, Vector<float>>(d);
        Vector<float> sumA = default, sumB = default, sumC = default, sumD = default;
        for (var i = 0; i < rowV.Length; i++)
        {
            var w = rowV[i];
            sumA += w * aV[i];
            sumB += w * bV[i];
            sumC += w * cV[i];
            sumD += w * dV[i];
        }

        var ra = Vector.Sum(sumA);
        var rb = Vector.Sum(sumB);
        var rc = Vector.Sum(sumC);
        var rd = Vector.Sum(sumD);
        for (var i = rowV.Length * Vector<float>.Count; i < row.Length; i++)
        {
            var w = row[i];
            ra += w * a[i];
            rb += w * b[i];
            rc += w * c[i];
            rd += w * d[i];
        }

        results[0] = ra;
        results[1] = rb;
        results[2] = rc;
        results[3] = rd;
    }
}
