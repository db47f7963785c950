using Dapper;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static Iot.Cloud.Pipeline.Tests.Support.PipelineDatabase;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

/// <summary>analyses.offered_items and analyses.purchase (migration 0067) as the analyze and reanalyze jobs write them, in real PostgreSQL.</summary>
public sealed class OfferedItemsStoreTests
{
    private static readonly string[] TwoOffers =
    [
        "Hi, I'd like the grey Galaxy from the window.",
        "Here it is, three hundred.",
        "Would you like a leather case with it?",
        "Yes please.",
        "Would you also like our two-year protection plan?",
        "No thanks.",
    ];

    [Fact]
    public async Task The_rule_engine_stores_every_offer_with_its_reaction_verbatim_and_a_purchase_with_its_quote()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1))));
        var dialogueId = await HybridAnalyzerTests.TranscribedDialogueAsync(db, handlers, TwoOffers);

        var outcome = await handlers.Analyze(new RuleAnalyzer(), BuiltInProfiles.Default).HandleAsync(AnalyzeJob(dialogueId), CancellationToken.None);

        Assert.Equal(JobOutcome.Done, outcome);
        var row = Assert.Single(await db.QueryAsync<(string Engine, string Items, bool? Purchase, string Evidence, string Text)>(
            """
            SELECT a.engine, a.offered_items::text, a.purchase, a.evidence::text, t.text
            FROM analyses a JOIN transcripts t USING (dialogue_id)
            """));
        Assert.Equal("rules/6", row.Engine);
        var items = RecordJson.DeserializeOfferedItems(row.Items);
        Assert.Equal([("accessories", "accepted"), ("warranty", "declined")], items.Select(i => (i.Category, i.Reaction)));
        Assert.Contains("leather case", items[0].Item, StringComparison.Ordinal);
        Assert.Contains("protection plan", items[1].Item, StringComparison.Ordinal);
        Assert.All(items, i => Assert.Contains(i.Item, row.Text, StringComparison.Ordinal));
        Assert.True(row.Purchase);
        // "I'd like the" (the customer's order) is the quote: a cue wins over the accepting "Yes please".
        Assert.Contains(new EvidenceQuote("purchase", "I'd like the"), RecordJson.DeserializeEvidence(row.Evidence));
    }

    [Fact]
    public async Task An_offered_item_that_is_not_verbatim_in_the_transcript_is_dropped_and_counted()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1))));
        var dialogueId = await HybridAnalyzerTests.TranscribedDialogueAsync(db, handlers, TwoOffers);
        var analyzer = new CannedAnalyzer(_ => Result(
            [new OfferedItem("a leather case", "accessories", CustomerReaction.Accepted), new OfferedItem("Two-Year Protection", "warranty", CustomerReaction.Declined)],
            purchase: true, new EvidenceQuote("purchase", "Yes please")));

        await handlers.Analyze(analyzer, BuiltInProfiles.Default).HandleAsync(AnalyzeJob(dialogueId), CancellationToken.None);

        var row = Assert.Single(await db.QueryAsync<(string Items, int Dropped, bool? Purchase)>("SELECT offered_items::text, dropped_quotes, purchase FROM analyses"));
        // jsonb orders keys by length, then bytes.
        Assert.Equal("""[{"item": "a leather case", "category": "accessories", "reaction": "accepted"}]""", row.Items);
        Assert.Equal(1, row.Dropped);
        Assert.Equal(1, handlers.Metrics.DroppedQuotesTotal);
        Assert.True(row.Purchase);
    }

    [Fact]
    public async Task An_engine_that_does_not_judge_purchase_stores_null_and_replaces_an_earlier_verdict_on_reanalysis()
    {
        await using var db = await CreateAsync();
        var handlers = new Handlers(db, new FakeTimeProvider(new DateTimeOffset(T0.AddDays(1))));
        var dialogueId = await HybridAnalyzerTests.TranscribedDialogueAsync(db, handlers, TwoOffers);
        await handlers.Analyze(new RuleAnalyzer(), BuiltInProfiles.Default).HandleAsync(AnalyzeJob(dialogueId), CancellationToken.None);
        Assert.True(await db.ScalarAsync<bool?>("SELECT purchase FROM analyses"));

        // An older-style engine (no purchase, no items): the stored verdict must become "not judged", not stay "yes".
        var silent = new CannedAnalyzer(_ => Result(null, purchase: null));
        var reanalyze = handlers.Reanalyze(silent, BuiltInProfiles.Default);
        Assert.Equal(JobOutcome.Done, await reanalyze.HandleAsync(ReanalyzeJob(dialogueId, 0), CancellationToken.None));

        var row = Assert.Single(await db.QueryAsync<(string Engine, bool? Purchase, string Items)>("SELECT engine, purchase, offered_items::text FROM analyses"));
        Assert.Equal(("llm", null, "[]"), (row.Engine, row.Purchase, row.Items));

        // And an engine that judged "no" stores false, which the missed-offer list can tell apart from null.
        var judging = handlers.Reanalyze(new CannedAnalyzer(_ => Result([], purchase: false)), BuiltInProfiles.Default);
        await judging.HandleAsync(ReanalyzeJob(dialogueId, 0), CancellationToken.None);
        Assert.False(await db.ScalarAsync<bool?>("SELECT purchase FROM analyses"));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM analyses WHERE purchase IS NOT NULL AND NOT purchase"));
    }

    private static ClaimedJob AnalyzeJob(Guid dialogueId) => Handlers.Job(JobKinds.Analyze, PipelinePayloads.Dialogue(dialogueId));

    private static ClaimedJob ReanalyzeJob(Guid dialogueId, int version) =>
        Handlers.Job(JobKinds.Reanalyze, $"{{\"dialogueId\":\"{dialogueId}\",\"profileVersion\":{version},\"runId\":1}}");

    private static AnalysisResult Result(IReadOnlyList<OfferedItem>? items, bool? purchase, params EvidenceQuote[] evidence) =>
        new(items is { Count: > 0 }, [.. (items ?? []).Select(i => i.Category).Distinct()], items is { Count: > 0 } ? CustomerReaction.Accepted : CustomerReaction.None,
            [], SentimentLabel.Neutral, 0, 50, "canned", evidence, items, Purchase: purchase);
}
