namespace Iot.TestSupport.Dialogues;

/// <summary>Labelled dialogues in English, Russian and Turkish (about ten each).</summary>
public static partial class DialogueScripts
{
    public static IReadOnlyList<DialogueScript> All { get; } = [.. English(), .. Russian(), .. Turkish()];

    public static IEnumerable<DialogueScript> For(string language) => All.Where(d => d.Language == language);

    private static DialogueLine S(string text) => new(true, text);

    private static DialogueLine C(string text) => new(false, text);

    private static DialogueScript D(string id, string language, bool upsell, string[] categories, string reaction, string[] met, string sentiment, params DialogueLine[] lines) =>
        new(id, language, lines, upsell, categories, reaction, met, sentiment);

    // Properties, not fields: All is initialised first and partial files give no field order.
    private static string[] All3 => ["greeting", "offer", "farewell"];

    private static string[] GreetFarewell => ["greeting", "farewell"];
}
