namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// One 0–100 number per dialogue, the same for every engine:
/// <c>round(100 × (0.5 × checklist items met / items + 0.3 × [upsell attempted] + 0.2 × (sentiment score + 1) / 2))</c>.
/// The checklist weighs most because it is what a manager coaches on; an empty checklist counts as fully met.
/// </summary>
public static class QualityScore
{
    public static int Compute(IReadOnlyList<ChecklistOutcome> checklist, bool upsellAttempted, double sentimentScore)
    {
        ArgumentNullException.ThrowIfNull(checklist);
        var met = checklist.Count == 0 ? 1.0 : (double)checklist.Count(c => c.Met) / checklist.Count;
        var sentiment = (Math.Clamp(sentimentScore, -1, 1) + 1) / 2;
        return (int)Math.Round(100 * (0.5 * met + 0.3 * (upsellAttempted ? 1 : 0) + 0.2 * sentiment), MidpointRounding.AwayFromZero);
    }
}
