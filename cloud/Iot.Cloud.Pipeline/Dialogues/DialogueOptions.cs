namespace Iot.Cloud.Pipeline.Dialogues;

/// <summary>Section <c>Pipeline:Dialogues</c>: how speech segments become dialogues and when a dialogue is final.</summary>
public sealed class DialogueOptions
{
    public const string Section = "Pipeline:Dialogues";

    /// <summary>Silence that ends a dialogue, unless the tenant sets tenant_settings.dialogue_gap_seconds.</summary>
    public int GapSeconds { get; set; } = 30;

    /// <summary>A dialogue without transaction id is cut when it would grow longer than this.</summary>
    public int MaxDialogueMinutes { get; set; } = 15;

    /// <summary>
    /// Extra wait after the gap before a dialogue closes on time alone (no later audio arrived): chunks are sealed
    /// at chunk boundaries and may sit in an outbox for a while, so silence on the wire is not yet silence at the desk.
    /// </summary>
    public int CloseGraceSeconds { get; set; } = 120;

    /// <summary>Padding around each speech segment in the dialogue audio (and so in the stored offsets).</summary>
    public int PaddingMs { get; set; } = 250;
}
