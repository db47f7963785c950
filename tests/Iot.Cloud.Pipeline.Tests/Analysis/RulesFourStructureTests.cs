using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

/// <summary>
/// The rules/4 structures, each in every language it applies to: act-level offer frames (openers, services done to
/// the purchase, 1st-person proposals by morphology, attachment questions), who raised an item first, replies read
/// by their grammar (imperatives, negative imperatives), replies settled after a question back or a condition.
/// Sentences are written for these tests, not taken from any corpus split.
/// </summary>
public sealed class RulesFourStructureTests
{
    private static AnalysisResult Analyze(string language, params string[] lines) =>
        RuleAnalyzer.Analyze(ScriptTranscripts.Of(language, lines), BuiltInProfiles.Default);

    [Theory]
    [InlineData("en", "While you're here, we've got the winter tyre check on.", "the winter tyre check")]
    [InlineData("en", "Do you want them gift-wrapped?", "gift-wrapped")]
    [InlineData("en", "I can put you on the faster broadband plan for the same money.", "the faster broadband plan")]
    [InlineData("en", "There's a deal this week on memory cards, by the way.", "memory cards")]
    [InlineData("ru", "Оформить вам доставку до двери?", "доставку до двери")]
    [InlineData("ru", "Добавить к ним крем для обуви?", "крем")]
    [InlineData("ru", "Плёнку клеим?", "Плёнку")]
    [InlineData("ru", "Соус к нему?", "Соус")]
    [InlineData("ru", "Можем и колодки посмотреть, раз машина на подъёмнике.", "колодки")]
    [InlineData("tr", "Ekran koruyucuyu da takalım mı?", "Ekran koruyucuyu")]
    [InlineData("tr", "Kurulumu da yapabiliriz.", "Kurulumu")]
    [InlineData("az", "Çantanı da qablaşdıraq?", "Çantanı")]
    [InlineData("az", "Yağ filtrini də dəyişə bilərik.", "Yağ filtrini")]
    [InlineData("uz", "Himoya oynasini ham yopishtiraylikmi?", "Himoya oynasini")]
    [InlineData("uz", "Кафолатни ҳам қўшайликми?", "Кафолатни")]
    public void An_act_level_structure_is_an_offer_of_the_item_in_the_sellers_words(string language, string offer, string item)
    {
        var result = Analyze(language, "…", offer);

        Assert.True(result.UpsellAttempted, result.Summary);
        Assert.Contains(result.Offers!, o => o.Item == item);
    }

    [Theory]
    [InlineData("en", "Do you want it in a bag?")]
    [InlineData("ru", "Почём у вас этот антисептик?")]
    [InlineData("az", "Bu telefona zəmanət almaq olar?")]
    [InlineData("tr", "Bu fiyata kargo da var mı?")]
    public void A_customer_question_of_the_same_shape_is_not_an_offer(string language, string line)
    {
        var result = Analyze(language, line);

        Assert.False(result.UpsellAttempted, result.Summary);
    }

    [Theory]
    [InlineData("en", "Do you do installation as well?", "We can do installation for you, yes.")]
    [InlineData("ru", "А установку вы делаете?", "Да, можем и установку сделать.")]
    [InlineData("tr", "Kurulum yapıyor musunuz?", "Evet, kurulumu da yapabiliriz.")]
    [InlineData("az", "Quraşdırma edirsiniz?", "Bəli, quraşdırmanı da edə bilərik.")]
    public void An_item_the_customer_raised_first_is_an_answer_not_an_offer(string language, string request, string answer)
    {
        var result = Analyze(language, request, answer);

        Assert.False(result.UpsellAttempted, result.Summary);
    }

    [Theory]
    [InlineData("ru", "Плёнку клеим?", "Клейте.", CustomerReaction.Accepted)]
    [InlineData("ru", "Плёнку клеим?", "Не клейте, у меня есть.", CustomerReaction.Declined)]
    [InlineData("tr", "Ekran koruyucuyu da takalım mı?", "Takın, lütfen.", CustomerReaction.Accepted)]
    [InlineData("tr", "Ekran koruyucuyu da takalım mı?", "Takmayın.", CustomerReaction.Declined)]
    [InlineData("az", "Çantanı da qablaşdıraq?", "Qablaşdırın.", CustomerReaction.Accepted)]
    [InlineData("az", "Çantanı da qablaşdıraq?", "Qablaşdırmayın.", CustomerReaction.Declined)]
    [InlineData("uz", "Himoya oynasini ham yopishtiraylikmi?", "Yopishtiring.", CustomerReaction.Accepted)]
    [InlineData("uz", "Himoya oynasini ham yopishtiraylikmi?", "Yopishtirmang.", CustomerReaction.Declined)]
    public void A_bare_imperative_reply_agrees_and_a_negative_one_declines(string language, string offer, string reply, CustomerReaction expected)
    {
        var result = Analyze(language, offer, reply);

        Assert.Equal(expected, result.CustomerReaction);
    }

    [Theory]
    [InlineData("en", "Would you like a carry case for the drone?", "No... hang on, does it come with one?", "It doesn't.", "Then yes, add it.", CustomerReaction.Accepted)]
    [InlineData("ru", "Возьмёте чехол к дрону?", "Нет... а в комплекте разве нет?", "Нет, только отдельно.", "Тогда беру.", CustomerReaction.Accepted)]
    [InlineData("en", "Would you like the cleaning kit?", "If it's under a fiver.", "It's four pounds.", "No, actually, I'll leave it.", CustomerReaction.Declined)]
    [InlineData("az", "Çantanı da qablaşdıraq?", "Pulsuzdursa, qablaşdırın.", "Pulsuzdur.", "Yaxşı.", CustomerReaction.Accepted)]
    public void A_reply_that_asks_back_or_sets_a_condition_is_settled_by_the_customers_next_answer(string language, string offer, string first, string seller, string last, CustomerReaction expected)
    {
        var result = Analyze(language, offer, first, seller, last);

        Assert.Equal(expected, result.CustomerReaction);
    }

    [Theory]
    [InlineData("en", "Would you like a carry case?", "Yes, can I pay by card?", "Sure.", "No, just the card.")]
    [InlineData("ru", "Возьмёте чехол?", "Да, а картой можно?", "Конечно.", "Нет, только картой.")]
    public void A_yes_with_a_question_after_it_stands(string language, string offer, string first, string seller, string last)
    {
        var result = Analyze(language, offer, first, seller, last);

        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
    }

    [Fact]
    public void A_suffix_token_needs_a_stem_and_a_full_stop_frame_ignores_questions()
    {
        var suffix = OfferFrame.Parse("{item} *ем ??");
        Assert.Matches(suffix.Regex, "стекло клеем ");
        Assert.DoesNotMatch(suffix.Regex, "стекло ем ");

        var statement = OfferFrame.Parse("{item} da var .");
        Assert.True(statement.RequiresStatement);
        Assert.False(OfferFrame.Parse("{item} da var").RequiresStatement);
    }

    [Theory]
    [InlineData("en", "would you like ")]
    [InlineData("ru", "может клеим ")]
    [InlineData("tr", "da takalım mı ")]
    [InlineData("az", "da qablaşdıraq ")]
    [InlineData("uz", "ham qo'shaylikmi ")]
    public void A_long_repetitive_transcript_gets_a_result_quickly(string language, string chunk)
    {
        var line = string.Concat(Enumerable.Repeat(chunk, 300));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = Analyze(language, [.. Enumerable.Repeat(line + "?", 20)]);

        Assert.NotNull(result.Summary);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }
}
