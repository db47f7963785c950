using System.Text.Json;
using System.Text.Json.Serialization;
using Iot.Cloud.Pipeline.Transcription;
using Iot.TestSupport.Dialogues;

namespace Iot.Bench.Analysis;

/// <summary>One labelled dialogue of the analysis corpus (Corpus/dialogues/{split}/{lang}.jsonl; format in Corpus/README.md).</summary>
internal sealed record CorpusDialogue(
    string Id,
    string Lang,
    string? Script,
    string Split,
    string? Family,
    IReadOnlyList<CorpusTurn> Turns,
    CorpusLabels Labels)
{
    /// <summary>Milliseconds of speech per character of text, for utterance end times.</summary>
    public const int MsPerChar = 70;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// What a perfect recogniser on one microphone would give: one utterance per turn, times from the pauses and ~70 ms
    /// per character, and no speakers (the analyzer must not know them).
    /// </summary>
    public Transcript ToTranscript()
    {
        var utterances = new List<Utterance>();
        var at = 0;
        foreach (var turn in Turns)
        {
            at += Math.Max(0, turn.PauseBeforeMs);
            var end = at + MsPerChar * turn.Text.Length;
            utterances.Add(new Utterance(at, end, turn.Text));
            at = end;
        }

        return new Transcript("script", Lang, utterances);
    }

    /// <summary>The dialogue as a script for espeak-ng (speakers used only to pick the two voices).</summary>
    public DialogueScript ToSpeechScript() =>
        new(Id, Lang, [.. Turns.Select(t => new DialogueLine(t.Speaker == "seller", t.Text))], Labels.Upsell, [], Labels.Reaction, [], Labels.Sentiment);

    public static IEnumerable<CorpusDialogue> Load(string file)
    {
        var n = 0;
        foreach (var line in File.ReadLines(file))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return JsonSerializer.Deserialize<CorpusDialogue>(line, Json) ?? throw new JsonException($"{file}:{n}: null dialogue");
        }
    }
}

internal sealed record CorpusTurn(string Speaker, string Text, int PauseBeforeMs);

internal sealed record CorpusLabels(
    bool Upsell,
    IReadOnlyList<CorpusOffer>? Offers,
    string Reaction,
    string Sentiment);

internal sealed record CorpusOffer(int Turn, string Item, string Category);

