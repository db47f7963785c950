namespace Iot.Dashboard.Dialogues;

/// <summary>
/// The sort allow-list. Only these fixed SQL fragments ever reach a query; the client names one of them. Each sorts
/// by a key and then the dialogue id, which makes the keyset cursor unique.
/// </summary>
public sealed record DialogueSort(string Name, string KeySql, bool Descending, bool NumericKey)
{
    public static readonly IReadOnlyList<DialogueSort> Allowed =
    [
        new("-started", "d.started_at", true, false),
        new("started", "d.started_at", false, false),
        new("-quality", "coalesce(a.quality_score, -1)", true, true),
        new("quality", "coalesce(a.quality_score, -1)", false, true),
        new("-duration", "d.speech_ms", true, true),
        new("duration", "d.speech_ms", false, true),
    ];

    public static DialogueSort? Find(string? name) => name is null ? Allowed[0] : Allowed.FirstOrDefault(s => s.Name == name);
}
