using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

public sealed class EvidenceVerifierTests
{
    [Theory]
    [InlineData("Would you like the extended warranty?", true)]
    [InlineData("extended warranty", true)]
    [InlineData("would you like the extended warranty?", false)]
    [InlineData("Would you like an extended warranty?", false)]
    [InlineData("Would you like the extended  warranty?", false)]
    [InlineData("   ", false)]
    public void Only_verbatim_quotes_survive(string quote, bool kept)
    {
        using var metrics = new PipelineMetrics();
        var verifier = new EvidenceVerifier(metrics);
        var result = new AnalysisResult(true, ["warranty"], CustomerReaction.Undecided, [], SentimentLabel.Neutral, 0, 60, "Offered a warranty.", [new EvidenceQuote("upsell", quote)]);

        var verified = verifier.Verify(result, "Hello. Would you like the extended warranty? Let me think.");

        Assert.Equal(kept ? 1 : 0, verified.Result.Evidence.Count);
        Assert.Equal(kept ? 0 : 1, verified.DroppedQuotes);
        Assert.Equal(kept ? 0 : 1, metrics.DroppedQuotesTotal);
    }
}
