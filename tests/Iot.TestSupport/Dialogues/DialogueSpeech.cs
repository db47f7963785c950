namespace Iot.TestSupport.Dialogues;

/// <summary>
/// Speaks a <see cref="DialogueScript"/> with espeak-ng: seller and customer in different voices of the dialogue's
/// language, lines separated by pauses. 16 kHz mono; lines' times are returned so word times can be checked.
/// </summary>
public static class DialogueSpeech
{
    public const int SampleRate = LabelledSpeech.SampleRate;

    /// <summary>Pause between lines, long enough for a recogniser's end-pointer to close the utterance.</summary>
    public const double PauseSeconds = 0.7;

    /// <summary>Seller voice, customer voice per language (espeak-ng names).</summary>
    public static IReadOnlyDictionary<string, (string Seller, string Customer)> Voices { get; } = new Dictionary<string, (string, string)>
    {
        ["en"] = ("en-us+f2", "en-us"),
        ["ru"] = ("ru", "ru+f3"),
        ["tr"] = ("tr", "tr+f3"),
        ["uz"] = ("uz", "uz+f3"),
        ["az"] = ("az", "az+f3"),
    };

    public static async Task<SpokenDialogue> SpeakAsync(DialogueScript script, int wordsPerMinute = 130)
    {
        ArgumentNullException.ThrowIfNull(script);
        var (seller, customer) = Voices[script.Language];
        var pause = new short[(int)(PauseSeconds * SampleRate)];
        var samples = new List<short>(pause);
        var lines = new List<SpokenLine>();
        foreach (var line in script.Lines)
        {
            var utterance = await LabelledSpeech.UtteranceAsync(line.Text, line.Seller ? seller : customer, wordsPerMinute);
            var start = samples.Count;
            samples.AddRange(utterance);
            lines.Add(new SpokenLine(line, Ms(start), Ms(samples.Count)));
            samples.AddRange(pause);
        }

        return new SpokenDialogue(script, [.. samples], lines);
    }

    /// <summary>
    /// A shop counter's day in miniature: the dialogues one after another with <paramref name="silenceSeconds"/> of
    /// silence before, between and after them (long enough for the dialogue builder to split on), as a 16 kHz WAV.
    /// Returns the audio's length.
    /// </summary>
    public static async Task<TimeSpan> WriteCounterWavAsync(IReadOnlyList<DialogueScript> scripts, double silenceSeconds, string path)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        var silence = new short[(int)(silenceSeconds * SampleRate)];
        var samples = new List<short>(silence);
        foreach (var script in scripts)
        {
            samples.AddRange((await SpeakAsync(script)).Samples);
            samples.AddRange(silence);
        }

        var all = new SpokenDialogue(scripts[0], [.. samples], []);
        all.WriteWav(path);
        return all.Duration;
    }

    private static int Ms(int samples) => (int)((long)samples * 1000 / SampleRate);
}

public sealed record SpokenLine(DialogueLine Line, int StartMs, int EndMs);

public sealed record SpokenDialogue(DialogueScript Script, short[] Samples, IReadOnlyList<SpokenLine> Lines)
{
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / DialogueSpeech.SampleRate);

    /// <summary>16-bit mono WAV, e.g. for an agent's <c>Audio:Source=wav</c> in an end-to-end run.</summary>
    public void WriteWav(string path)
    {
        using var w = new BinaryWriter(File.Create(path));
        var bytes = Samples.Length * 2;
        w.Write("RIFF"u8);
        w.Write(36 + bytes);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(DialogueSpeech.SampleRate);
        w.Write(DialogueSpeech.SampleRate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(bytes);
        foreach (var s in Samples)
        {
            w.Write(s);
        }
    }
}
