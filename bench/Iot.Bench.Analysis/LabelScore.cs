using Iot.Cloud.Pipeline.Analysis;
using Iot.TestSupport.Dialogues;

namespace Iot.Bench.Analysis;

/// <summary>Per-label hits of the rule analyzer against a dialogue set's known labels.</summary>
internal sealed class LabelScore
{
    public int Dialogues { get; private set; }

    public int Upsell { get; private set; }

    public int Reaction { get; private set; }

    public int Checklist { get; private set; }

    public int Sentiment { get; private set; }

    public List<string> Misses { get; } = [];

    public void Add(DialogueScript script, AnalysisResult result)
    {
        Dialogues++;
        var upsell = result.UpsellAttempted == script.Upsell;
        var reaction = string.Equals(result.CustomerReaction.ToString(), script.Reaction, StringComparison.OrdinalIgnoreCase);
        var checklist = result.Checklist.Where(c => c.Met).Select(c => c.ItemId).Order().SequenceEqual(script.ChecklistMet.Order());
        var sentiment = string.Equals(result.Sentiment.ToString(), script.Sentiment, StringComparison.OrdinalIgnoreCase);
        Upsell += upsell ? 1 : 0;
        Reaction += reaction ? 1 : 0;
        Checklist += checklist ? 1 : 0;
        Sentiment += sentiment ? 1 : 0;
        if (!(upsell && reaction && checklist && sentiment))
        {
            Misses.Add($"{script.Id}{(script.Hard ? " (hard)" : "")}: {result.Summary}");
        }
    }

    public double Rate(int hits) => Dialogues == 0 ? 0 : (double)hits / Dialogues;
}
