namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Keeps only evidence quotes and offered items that occur verbatim (ordinal) in the transcript text, so every stored
/// quote and item can be highlighted in the transcript; engines (LLMs above all) paraphrase, and a paraphrase is not
/// evidence. Dropped items count as dropped quotes.
/// </summary>
public sealed class EvidenceVerifier(PipelineMetrics metrics)
{
    public VerifiedAnalysis Verify(AnalysisResult result, string transcriptText)
    {
        var kept = result.Evidence.Where(e => Verbatim(e.Quote, transcriptText)).ToList();
        var items = result.Offers?.Where(o => Verbatim(o.Item, transcriptText)).ToList();
        var dropped = result.Evidence.Count - kept.Count + (result.Offers?.Count ?? 0) - (items?.Count ?? 0);
        metrics.QuotesDropped(dropped);
        return new VerifiedAnalysis(result with { Evidence = kept, Offers = items }, dropped);
    }

    private static bool Verbatim(string quote, string transcriptText) =>
        !string.IsNullOrWhiteSpace(quote) && transcriptText.Contains(quote, StringComparison.Ordinal);
}

public sealed record VerifiedAnalysis(AnalysisResult Result, int DroppedQuotes);
