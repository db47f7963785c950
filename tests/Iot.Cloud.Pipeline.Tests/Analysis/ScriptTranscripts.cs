using Iot.Cloud.Pipeline.Transcription;
using Iot.TestSupport.Dialogues;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

/// <summary>A perfect transcript of a script: one utterance per line, three seconds each.</summary>
internal static class ScriptTranscripts
{
    public static Transcript Of(DialogueScript script, string? language = null) =>
        new("script", language ?? script.Language, [.. script.Lines.Select((l, i) => new Utterance(i * 3000, i * 3000 + 2500, l.Text))]);

    public static Transcript Of(string language, params string[] lines) =>
        new("script", language, [.. lines.Select((l, i) => new Utterance(i * 3000, i * 3000 + 2500, l))]);
}
