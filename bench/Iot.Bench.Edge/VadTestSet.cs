using Iot.TestSupport;

namespace Iot.Bench.Edge;

internal sealed record VadCondition(string Name, NoiseKind? Noise, double SnrDb);

/// <summary>
/// The labelled set: per condition, two 60 s clips of espeak-ng utterances (six voices, three speaking rates) with
/// 1-4 s of background between them, plus a 30 s clip of background alone. Same speech layout in every condition,
/// so rows differ only by what is underneath.
/// </summary>
internal static class VadTestSet
{
    public static readonly VadCondition[] Conditions =
    [
        new("clean (digital silence)", null, double.PositiveInfinity),
        new("pink noise, SNR 20 dB", NoiseKind.Pink, 20),
        new("pink noise, SNR 10 dB", NoiseKind.Pink, 10),
        new("pink noise, SNR 5 dB", NoiseKind.Pink, 5),
        new("pink noise, SNR 0 dB", NoiseKind.Pink, 0),
        new("brown noise, SNR 10 dB", NoiseKind.Brown, 10),
        new("brown noise, SNR 5 dB", NoiseKind.Brown, 5),
        new("mains hum, SNR 10 dB", NoiseKind.Hum, 10),
        new("mains hum, SNR 0 dB", NoiseKind.Hum, 0),
    ];

    private const double ClipSeconds = 60;
    private const double NoiseOnlySeconds = 30;

    private static readonly string[] Sentences =
    [
        "Good morning, how can I help you today?",
        "I am looking for a charger for my phone.",
        "We also have a protective case on sale this week.",
        "No thank you, just the charger please.",
        "Would you like to add an extended warranty?",
        "How much does the warranty cost?",
        "It is nineteen ninety nine, and it covers accidental damage.",
        "Okay, can I pay by card?",
        "Please insert your card.",
        "Thank you for your purchase, have a nice day.",
        "Next customer please.",
        "Yes.",
        "I would like to return these headphones, they do not work.",
        "Do you have a receipt?",
    ];

    private static readonly string[] Voices = ["en-us", "en-gb", "en-gb-scotland", "en-us+f3", "en-gb+m3", "en-us+f2"];
    private static readonly int[] Rates = [130, 160, 190];

    public static async Task<IReadOnlyList<LabelledClip>> ClipsAsync(VadCondition condition)
    {
        var layouts = await LayoutsAsync();
        var noise = condition.Noise is { } kind ? await LabelledSpeech.NoiseAsync(kind, ClipSeconds) : null;
        var clips = layouts.Select(l => LabelledSpeech.Compose(ClipSeconds, l, noise, condition.SnrDb)).ToList();
        clips.Add(noise is null
            ? LabelledSpeech.Compose(NoiseOnlySeconds, [])
            : LabelledSpeech.Compose(NoiseOnlySeconds, [], noise, condition.SnrDb));
        return clips;
    }

    private static async Task<List<List<(double, short[])>>> LayoutsAsync()
    {
        var random = new Random(20240601);
        var layouts = new List<List<(double, short[])>>();
        var n = 0;
        for (var clip = 0; clip < 2; clip++)
        {
            var layout = new List<(double, short[])>();
            var at = 1 + random.NextDouble() * 3;
            while (true)
            {
                var utterance = await LabelledSpeech.UtteranceAsync(Sentences[n % Sentences.Length], Voices[n % Voices.Length], Rates[n % Rates.Length]);
                var seconds = (double)utterance.Length / LabelledSpeech.SampleRate;
                if (at + seconds > ClipSeconds - 1)
                {
                    break;
                }

                layout.Add((at, utterance));
                n++;
                at += seconds + 1 + random.NextDouble() * 3;
            }

            layouts.Add(layout);
        }

        return layouts;
    }
}
