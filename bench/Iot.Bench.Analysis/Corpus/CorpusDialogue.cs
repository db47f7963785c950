using System.Text.Json.Serialization;

namespace Iot.Bench.Analysis.Corpus;

// One line of dialogues/{split}/{lang}.jsonl; property order is the documented corpus format.
internal sealed class CorpusDialogue
{
    public string Id { get; set; } = "";

    public string Lang { get; set; } = "";

    public string Script { get; set; } = "latn";

    public string Split { get; set; } = "";

    public string Family { get; set; } = "";

    public string Source { get; set; } = "generated";

    public List<CorpusTurn> Turns { get; set; } = [];

    public CorpusLabels Labels { get; set; } = new();
}

internal sealed class CorpusTurn
{
    public string Speaker { get; set; } = "";

    public string Text { get; set; } = "";

    public int PauseBeforeMs { get; set; }
}

internal sealed class CorpusLabels
{
    public bool Upsell { get; set; }

    public List<CorpusOffer> Offers { get; set; } = [];

    public string Reaction { get; set; } = "none";

    public string Sentiment { get; set; } = "neutral";
}

internal sealed class CorpusOffer
{
    // 0-based index into turns.
    public int Turn { get; set; }

    public string Item { get; set; } = "";

    public string Category { get; set; } = "";

    [JsonIgnore]
    public string Family { get; set; } = "";
}
