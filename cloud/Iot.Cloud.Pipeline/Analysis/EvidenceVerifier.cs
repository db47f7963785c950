namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Keeps only evidence quotes that occur verbatim (ordinal) in the transcript text, so every stored quote can be
/// highlighted in the transcript; engines (LLMs above all) paraphrase, and a paraphrase is not evidence.
/// </summary>
public sealed class EvidenceVerifier(PipelineMetrics metrics)
{
    public VerifiedAnalysis Verify(AnalysisResult result, string transcriptText)
    {
        var kept = result.Evidence
            .Where(e => !string.IsNullOrWhiteSpace(e.Quote) && transcriptText.Contains(e.Quote, StringComparison.Ordinal))
            .ToList();
        var dropped = result.Evidence.Count - kept.Count;
        metrics.QuotesDropped(dropped);
        return new VerifiedAnalysis(result with { Evidence = kept }, dropped);
    }
}

public sealed record VerifiedAnalysis(AnalysisResult Result, int DroppedQuotes);
