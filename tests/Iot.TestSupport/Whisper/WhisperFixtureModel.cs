using System.Buffers.Binary;
using System.Text;

namespace Iot.TestSupport.Whisper;

/// <summary>
/// Writes a ggml Whisper model with the exact hyper-parameters, tensor names and shapes of <c>ggml-tiny.bin</c>
/// (multilingual, f16 weights) but synthetic weights, because real weights cannot be downloaded on the test machines.
/// whisper.cpp loads it and runs the full encoder and decoder on it, so load errors, threading and the cost of a
/// 30 s window are real.
/// </summary>
/// <remarks>
/// Random weights alone make the decoder emit near-uniform tokens: every window then fails whisper.cpp's log-prob
/// threshold and is decoded six times (temperature fallback), which would make timings meaningless. So the weights
/// are random and small except for the decoder's positional embedding, which points at the token embedding of a
/// scripted continuation: "&lt;|0.00|&gt; ten words &lt;|3.00|&gt;&lt;|3.00|&gt; ten words &lt;|6.00|&gt; ..." up to 30 s, then
/// end-of-text. That is about 120 decoded tokens per 30 s window, close to dense real speech, with confident
/// probabilities, and whisper.cpp stops early when a timestamp passes the end of shorter audio, as it does for real.
/// The transcript's words are placeholders and do not depend on the audio.
/// </remarks>
public static class WhisperFixtureModel
{
    public const int NVocab = 51865;
    public const int NAudioCtx = 1500;
    public const int NState = 384;
    public const int NHead = 6;
    public const int NLayer = 4;
    public const int NTextCtx = 448;
    public const int NMels = 80;
    public const int NFft = 201;

    /// <summary>Tokens the file lists; whisper.cpp adds the special and timestamp tokens up to <see cref="NVocab"/> itself, as for the real files.</summary>
    public const int NFileTokens = 50257;

    public const int ScriptSegmentSeconds = 3;
    public const int ScriptWordsPerSegment = 10;

    private const int Version = 1;
    private const uint GgmlMagic = 0x67676d6c;

    // Multilingual vocabulary layout (whisper.cpp shifts the GPT-2 ids by one for 99 languages).
    private const int TokenEot = 50257;
    private const int TokenSot = 50258;
    private const int TokenEnglish = TokenSot + 1;
    private const int TokenTranscribe = 50359;
    private const int TokenTimestampZero = 50364;

    /// <summary>The fixture in the shared test cache, written once per cache and version, checked before each use.</summary>
    public static Task<string> PathAsync(bool f16 = true) =>
        TestCache.FileAsync(
            System.IO.Path.Combine("models", $"ggml-fixture-tiny-v{Version}-{(f16 ? "f16" : "f32")}.bin"),
            (temp, _) =>
            {
                Write(temp, f16);
                return Task.CompletedTask;
            },
            (path, _) => Task.FromResult(HasHeader(path, f16)));

    /// <summary>The ggml magic and this fixture's hyper-parameters: a file of another version or type is rebuilt.</summary>
    private static bool HasHeader(string path, bool f16)
    {
        using var file = File.OpenRead(path);
        using var r = new BinaryReader(file);
        if (file.Length < 48 || r.ReadUInt32() != GgmlMagic)
        {
            return false;
        }

        return new[] { NVocab, NAudioCtx, NState, NHead, NLayer, NTextCtx, NState, NHead, NLayer, NMels, f16 ? 1 : 0 }.All(expected => r.ReadInt32() == expected);
    }

    public static void Write(string path, bool f16 = true)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var w = new BinaryWriter(file, Encoding.UTF8, leaveOpen: false);
        var rng = new Random(20240611);
        w.Write(GgmlMagic);
        foreach (var h in new[] { NVocab, NAudioCtx, NState, NHead, NLayer, NTextCtx, NState, NHead, NLayer, NMels, f16 ? 1 : 0 })
        {
            w.Write(h);
        }

        WriteMelFilters(w);
        WriteVocabulary(w);
        var tensors = new TensorWriter(w, rng, f16);
        WriteEncoder(tensors);
        var tokenEmbedding = UnitRows(rng, NVocab, NState);
        WriteDecoder(tensors, tokenEmbedding, rng);
    }

    /// <summary>The words the scripted decoder emits for segment <paramref name="segment"/>, for assertions.</summary>
    /// <summary>Magic, 11 hyper-parameters, the mel filters and the vocabulary: the byte where the first tensor header starts.</summary>
    public static int FirstTensorOffset(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var offset = 4 + (11 * 4) + 8 + (NMels * NFft * 4);
        var tokens = BitConverter.ToInt32(bytes, offset);
        offset += 4;
        for (var i = 0; i < tokens; i++)
        {
            offset += 4 + BitConverter.ToInt32(bytes, offset);
        }

        return offset;
    }

    public static string ScriptWords(int segment) =>
        string.Concat(Enumerable.Range(0, ScriptWordsPerSegment).Select(j => Word(ScriptTextToken(segment, j))));

    private static int ScriptTextToken(int segment, int word) => 1000 + (segment * ScriptWordsPerSegment) + word;

    private static void WriteEncoder(TensorWriter t)
    {
        t.Dense("encoder.positional_embedding", [NState, NAudioCtx], 0.02f, forceF32: true);
        t.Dense("encoder.conv1.weight", [3, NMels, NState], 0.02f);
        t.Constant("encoder.conv1.bias", [1, NState], 0f, forceF32: true);
        t.Dense("encoder.conv2.weight", [3, NState, NState], 0.01f);
        t.Constant("encoder.conv2.bias", [1, NState], 0f, forceF32: true);
        for (var i = 0; i < NLayer; i++)
        {
            WriteBlock(t, $"encoder.blocks.{i}.", cross: false);
        }

        t.Constant("encoder.ln_post.weight", [NState], 1f);
        t.Constant("encoder.ln_post.bias", [NState], 0f);
    }

    private static void WriteDecoder(TensorWriter t, float[] tokenEmbedding, Random rng)
    {
        t.Raw("decoder.positional_embedding", [NState, NTextCtx], ScriptedPositions(tokenEmbedding, rng), forceF32: true);
        t.Raw("decoder.token_embedding.weight", [NState, NVocab], tokenEmbedding);
        for (var i = 0; i < NLayer; i++)
        {
            WriteBlock(t, $"decoder.blocks.{i}.", cross: true);
        }

        t.Constant("decoder.ln.weight", [NState], 1f);
        t.Constant("decoder.ln.bias", [NState], 0f);
    }

    private static void WriteBlock(TensorWriter t, string p, bool cross)
    {
        // Small weights keep each block's contribution well below the scripted signal in the residual stream.
        const float s = 0.005f;
        Attention(t, p + "attn", s);
        t.Constant(p + "attn_ln.weight", [NState], 1f);
        t.Constant(p + "attn_ln.bias", [NState], 0f);
        if (cross)
        {
            Attention(t, p + "cross_attn", s);
            t.Constant(p + "cross_attn_ln.weight", [NState], 1f);
            t.Constant(p + "cross_attn_ln.bias", [NState], 0f);
        }

        t.Dense(p + "mlp.0.weight", [NState, 4 * NState], s);
        t.Constant(p + "mlp.0.bias", [4 * NState], 0f);
        t.Dense(p + "mlp.2.weight", [4 * NState, NState], s);
        t.Constant(p + "mlp.2.bias", [NState], 0f);
        t.Constant(p + "mlp_ln.weight", [NState], 1f);
        t.Constant(p + "mlp_ln.bias", [NState], 0f);
    }

    private static void Attention(TensorWriter t, string p, float s)
    {
        t.Dense(p + ".query.weight", [NState, NState], s);
        t.Constant(p + ".query.bias", [NState], 0f);
        t.Dense(p + ".key.weight", [NState, NState], s);
        t.Dense(p + ".value.weight", [NState, NState], s);
        t.Constant(p + ".value.bias", [NState], 0f);
        t.Dense(p + ".out.weight", [NState, NState], s);
        t.Constant(p + ".out.bias", [NState], 0f);
    }

    private static float[] ScriptedPositions(float[] tokenEmbedding, Random rng)
    {
        // Position p's output is the token at p + 1: [sot, en, transcribe] is the prompt, sampling starts at p = 2.
        var next = new List<int> { TokenEnglish, TokenTranscribe };
        for (var segment = 0; segment * ScriptSegmentSeconds < 30; segment++)
        {
            next.Add(Timestamp(segment * ScriptSegmentSeconds));
            for (var j = 0; j < ScriptWordsPerSegment; j++)
            {
                next.Add(ScriptTextToken(segment, j));
            }

            next.Add(Timestamp((segment + 1) * ScriptSegmentSeconds));
        }

        next.Add(TokenEot);
        const float strength = 10f;
        var pe = Gaussian(rng, NTextCtx * NState, 0.02f);
        for (var pos = 0; pos < next.Count; pos++)
        {
            var row = tokenEmbedding.AsSpan(next[pos] * NState, NState);
            for (var k = 0; k < NState; k++)
            {
                pe[(pos * NState) + k] += strength * row[k];
            }
        }

        return pe;
    }

    private static int Timestamp(int seconds) => TokenTimestampZero + (seconds * 50);

    private static float[] UnitRows(Random rng, int rows, int width)
    {
        var data = Gaussian(rng, rows * width, 1f);
        for (var r = 0; r < rows; r++)
        {
            var row = data.AsSpan(r * width, width);
            var norm = 0.0;
            foreach (var v in row)
            {
                norm += v * v;
            }

            var scale = (float)(1 / Math.Sqrt(norm));
            for (var k = 0; k < width; k++)
            {
                row[k] *= scale;
            }
        }

        return data;
    }

    private static float[] Gaussian(Random rng, int count, float sigma)
    {
        var data = new float[count];
        for (var i = 0; i < count; i += 2)
        {
            // Box-Muller: two normals per pair of uniforms.
            var u1 = 1.0 - rng.NextDouble();
            var u2 = rng.NextDouble();
            var r = Math.Sqrt(-2.0 * Math.Log(u1)) * sigma;
            data[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < count)
            {
                data[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
            }
        }

        return data;
    }

    /// <summary>Slaney-style mel filter bank as librosa builds it for Whisper (16 kHz, n_fft 400, 80 bands).</summary>
    private static void WriteMelFilters(BinaryWriter w)
    {
        w.Write(NMels);
        w.Write(NFft);
        var melPoints = new double[NMels + 2];
        var maxMel = HzToMel(8000);
        for (var i = 0; i < melPoints.Length; i++)
        {
            melPoints[i] = MelToHz(maxMel * i / (NMels + 1));
        }

        for (var m = 0; m < NMels; m++)
        {
            var lower = melPoints[m];
            var centre = melPoints[m + 1];
            var upper = melPoints[m + 2];
            var norm = 2.0 / (upper - lower);
            for (var k = 0; k < NFft; k++)
            {
                var f = k * 16000.0 / 400;
                var rising = (f - lower) / (centre - lower);
                var falling = (upper - f) / (upper - centre);
                w.Write((float)(Math.Max(0, Math.Min(rising, falling)) * norm));
            }
        }
    }

    private static double HzToMel(double hz) => hz < 1000 ? hz * 3 / 200 : 15 + (Math.Log(hz / 1000) / (Math.Log(6.4) / 27));

    private static double MelToHz(double mel) => mel < 15 ? mel * 200 / 3 : 1000 * Math.Exp((mel - 15) * Math.Log(6.4) / 27);

    private static void WriteVocabulary(BinaryWriter w)
    {
        w.Write(NFileTokens);
        for (var id = 0; id < NFileTokens; id++)
        {
            var bytes = id < 256 ? [ByteToken(id)] : Encoding.UTF8.GetBytes(Word(id));
            w.Write(bytes.Length);
            w.Write(bytes);
        }
    }

    /// <summary>GPT-2 byte-level order, so that id 220 is " " as whisper.cpp's blank suppression requires.</summary>
    private static byte ByteToken(int id) => ByteOrder[id];

    private static readonly byte[] ByteOrder = BuildByteOrder();

    private static byte[] BuildByteOrder()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range(0xA1, 0xAC - 0xA1 + 1)).Concat(Enumerable.Range(0xAE, 0xFF - 0xAE + 1)).ToList();
        return [.. printable.Concat(Enumerable.Range(0, 256).Where(b => !printable.Contains(b))).Select(b => (byte)b)];
    }

    private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "de", "vu", "ba", "go", "hi", "je", "ku", "ze"];

    /// <summary>A pronounceable placeholder word, unique per id, with a leading space like most real BPE tokens.</summary>
    private static string Word(int id)
    {
        var sb = new StringBuilder(" ");
        for (var v = id; v > 0; v /= Syllables.Length)
        {
            sb.Append(Syllables[v % Syllables.Length]);
        }

        return sb.ToString();
    }

    private sealed class TensorWriter(BinaryWriter w, Random rng, bool f16)
    {
        public void Dense(string name, int[] ne, float sigma, bool forceF32 = false) =>
            Raw(name, ne, Gaussian(rng, ne.Aggregate(1, (a, b) => a * b), sigma), forceF32);

        public void Constant(string name, int[] ne, float value, bool forceF32 = false)
        {
            var data = new float[ne.Aggregate(1, (a, b) => a * b)];
            Array.Fill(data, value);
            Raw(name, ne, data, forceF32);
        }

        /// <summary>Header as convert-pt-to-ggml.py writes it: dims, name length, type, ne[] (fastest first), name, data.</summary>
        public void Raw(string name, int[] ne, float[] data, bool forceF32 = false)
        {
            // Like the converter: vectors and the listed 2-D tensors stay f32, matrices follow the file type.
            var half = f16 && !forceF32 && ne.Length >= 2;
            var nameBytes = Encoding.UTF8.GetBytes(name);
            w.Write(ne.Length);
            w.Write(nameBytes.Length);
            w.Write(half ? 1 : 0);
            foreach (var n in ne)
            {
                w.Write(n);
            }

            w.Write(nameBytes);
            var buffer = new byte[data.Length * (half ? 2 : 4)];
            for (var i = 0; i < data.Length; i++)
            {
                if (half)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(buffer.AsSpan(i * 2), (Half)data[i]);
                }
                else
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), data[i]);
                }
            }

            w.Write(buffer);
        }
    }
}
