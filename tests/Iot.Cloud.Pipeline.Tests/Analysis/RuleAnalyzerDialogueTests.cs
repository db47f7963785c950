using Iot.Cloud.Pipeline.Analysis;
using Iot.TestSupport.Dialogues;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

/// <summary>The rule engine against the labelled dialogues every language ships with (the hard cases are measured by the bench).</summary>
public sealed class RuleAnalyzerDialogueTests
{
    public static TheoryData<string> Dialogues()
    {
        var data = new TheoryData<string>();
        foreach (var d in DialogueScripts.All.Where(d => !d.Hard))
        {
            data.Add(d.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Dialogues))]
    public async Task A_known_dialogue_gets_its_labels(string id)
    {
        var script = DialogueScripts.All.Single(d => d.Id == id);
        var transcript = ScriptTranscripts.Of(script);

        var result = await new RuleAnalyzer().AnalyzeAsync(new AnalysisInput("t1", transcript, BuiltInProfiles.Default), CancellationToken.None);

        // Upsell, reaction and checklist as labelled. Categories and sentiment are not compared: these scripts were
        // labelled for rules/1 (routine "sounds good" counted as positive, categories as the first offer phrase);
        // the corpus bench measures both against the corpus definitions.
        Assert.Equal(script.Upsell, result.UpsellAttempted);
        Assert.Equal(script.Reaction, result.CustomerReaction.ToString().ToLowerInvariant());
        Assert.Equal(script.ChecklistMet.Order(), result.Checklist.Where(c => c.Met).Select(c => c.ItemId).Order());
        Assert.Equal(3, result.Checklist.Count);
        Assert.All(result.Evidence, e => Assert.Contains(e.Quote, transcript.Text, StringComparison.Ordinal));
        Assert.InRange(result.QualityScore, 0, 100);
        Assert.False(string.IsNullOrWhiteSpace(result.Summary));
        Assert.DoesNotContain('\n', result.Summary);
    }

    [Fact]
    public void Every_language_has_about_ten_dialogues_with_both_outcomes()
    {
        foreach (var language in new[] { "en", "ru", "tr" })
        {
            var set = DialogueScripts.For(language).ToList();
            Assert.True(set.Count >= 10, $"{language}: {set.Count} dialogues");
            Assert.Contains(set, d => d.Upsell);
            Assert.Contains(set, d => !d.Upsell);
            Assert.Contains(set, d => d.Reaction == "declined");
        }
    }
}
