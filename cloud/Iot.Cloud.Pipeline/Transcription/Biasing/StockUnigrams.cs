using System.Buffers.Binary;
using System.Text;

namespace Iot.Cloud.Pipeline.Transcription.Biasing;

/// <summary>
/// The unigram distribution of PocketSphinx's stock model (<c>en-us.lm.bin</c>, sphinxbase's "Trie Language Model"
/// binary), read so a domain model can fall back on general English words. pocketsphinx_continuous cannot interpolate
/// two models, and no tool here converts the binary to ARPA, so the unigram level is the part that is mixed in.
/// Layout (sphinxbase lm_trie): the header text, order (1 byte), counts (uint32 × order), quantisation type (int32;
/// 16-bit tables of 2^16 floats: probability and backoff for each middle order, probability for the last), then
/// (count₁ + 1) unigrams of {float prob, float backoff, uint32 next}, ... and the vocabulary as NUL-ended strings
/// at the end of the file. Probabilities are sphinx log values (base 1.0001). The distribution is checked to sum to
/// one, so a file of another layout is refused instead of misread.
/// </summary>
internal static class StockUnigrams
{
    private const string Header = "Trie Language Model";
    private const int QuantBins = 1 << 16;

    /// <summary>The <paramref name="top"/> most probable words (no &lt;s&gt;, &lt;/s&gt;, &lt;UNK&gt;) with their probabilities.</summary>
    /// <exception cref="InvalidDataException">Not a sphinxbase trie model this reader understands.</exception>
    public static Dictionary<string, double> Read(string path, int top)
    {
        var bytes = File.ReadAllBytes(path);
        var span = bytes.AsSpan();
        if (bytes.Length < 64 || Encoding.ASCII.GetString(bytes, 0, Header.Length) != Header)
        {
            throw new InvalidDataException($"'{path}' is not a sphinxbase trie language model (no '{Header}' header)");
        }

        var at = Header.Length;
        int order = bytes[at++];
        if (order is < 1 or > 6)
        {
            throw new InvalidDataException($"'{path}': implausible order {order}");
        }

        var counts = new long[order];
        for (var i = 0; i < order; i++, at += 4)
        {
            counts[i] = BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);
        }

        var quant = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += 4;
        if (quant == 1)
        {
            at += order <= 1 ? 0 : 4 * QuantBins * (2 * (order - 2) + 1);
        }
        else if (quant != 0)
        {
            throw new InvalidDataException($"'{path}': unknown quantisation type {quant}");
        }

        var n = checked((int)counts[0]);
        var probs = new double[n];
        var log = Math.Log(1.0001);
        for (var i = 0; i < n; i++)
        {
            probs[i] = Math.Exp(BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(span[(at + 12 * i)..])) * log);
        }

        var sum = probs.Sum();
        if (Math.Abs(sum - 1) > 0.01)
        {
            throw new InvalidDataException($"'{path}': unigram probabilities sum to {sum:0.###}, not 1; the layout is not the one expected");
        }

        var words = Vocabulary(bytes, n, path);
        return Enumerable.Range(0, n)
            .Where(i => words[i] is not ("<s>" or "</s>" or "<UNK>" or "<unk>"))
            .OrderByDescending(i => probs[i])
            .Take(top)
            .ToDictionary(i => words[i], i => probs[i], StringComparer.Ordinal);
    }

    private static string[] Vocabulary(byte[] bytes, int n, string path)
    {
        // The last n NUL-ended strings; the file ends with the last one's NUL.
        var words = new string[n];
        var end = bytes.Length - 1;
        for (var i = n - 1; i >= 0; i--)
        {
            var start = end - 1;
            while (start >= 0 && bytes[start] != 0)
            {
                start--;
            }

            if (start < 0)
            {
                throw new InvalidDataException($"'{path}': vocabulary is shorter than {n} words");
            }

            words[i] = Encoding.UTF8.GetString(bytes, start + 1, end - start - 1);
            end = start;
        }

        return words;
    }
}
