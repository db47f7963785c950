using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

/// <summary>Offers are found by the seller's act with a product slot, in every language, and customer mentions are not offers.</summary>
public sealed class OfferFrameTests
{
    private static AnalysisResult Analyze(string language, params string[] lines) =>
        RuleAnalyzer.Analyze(ScriptTranscripts.Of(language, lines), BuiltInProfiles.Default);

    [Theory]
    [InlineData("en", "Would you like a braided cable with that?", "a braided cable")]
    [InlineData("en", "Can I interest you in our delivery service?", "our delivery service")]
    [InlineData("en", "I'd recommend the bigger model, honestly.", "the bigger model")]
    [InlineData("en", "If you take the stand, you get ten percent off.", "the stand")]
    [InlineData("en", "Grab a bag of coffee beans too, they're fresh.", "a bag of coffee beans")]
    [InlineData("en", "For just five dollars more you can get the family pack.", "the family pack")]
    [InlineData("en", "We also have scented candles on the second shelf.", "scented candles")]
    [InlineData("ru", "Возьмёте к нему защитное стекло?", "защитное стекло")]
    [InlineData("ru", "Могу предложить вам сервисный пакет.", "сервисный пакет")]
    [InlineData("ru", "Если возьмёте два пакета корма, третий в подарок.", "два пакета корма")]
    [InlineData("ru", "Чехол не нужен?", "Чехол")]
    [InlineData("tr", "Yanına bir kılıf da alır mısınız?", "kılıf")]
    [InlineData("tr", "Uzatılmış garanti ister misiniz?", "Uzatılmış garanti")]
    [InlineData("tr", "İki paket alırsanız üçüncüsü bedava.", "İki paket")]
    [InlineData("tr", "Sadakat kartımız var. İster misiniz?", "Sadakat kartımız")]
    [InlineData("az", "Telefona qoruyucu şüşə əlavə edək?", "qoruyucu şüşə")]
    [InlineData("az", "Bəs çatdırılma necə?", "çatdırılma")]
    [InlineData("uz", "G'ilof ham olasizmi?", "G'ilof")]
    [InlineData("uz", "Сизга кафолат таклиф қиламан.", "кафолат")]
    [InlineData("uz", "Quloqchin olsangiz, chegirma bor.", "Quloqchin")]
    public void A_seller_frame_reports_the_item_in_the_sellers_words(string language, string offer, string item)
    {
        var result = Analyze(language, "…", offer);

        Assert.True(result.UpsellAttempted, result.Summary);
        Assert.Contains(result.Offers!, o => o.Item == item);
        Assert.Contains(new EvidenceQuote("upsell", item), result.Evidence);
    }

    [Theory]
    [InlineData("en", "Does the warranty cover water damage?")]
    [InlineData("en", "Where can I find phone cases?")]
    [InlineData("en", "I want to return these headphones, they are broken.")]
    [InlineData("en", "My charger stopped working after a week.")]
    [InlineData("ru", "Где у вас чехлы?")]
    [InlineData("ru", "Я хочу вернуть наушники, они сломались.")]
    [InlineData("ru", "Гарантия распространяется на разбитый экран?")]
    [InlineData("tr", "Garanti su hasarını kapsıyor mu?")]
    [InlineData("tr", "Bu kılıfı iade etmek istiyorum.")]
    [InlineData("az", "Zəmanət ekranı əhatə edirmi?")]
    [InlineData("uz", "Kafolat ekranni qoplaydimi?")]
    [InlineData("uz", "Қулоқчинни қайтармоқчиман, бузилди.")]
    public void A_customer_naming_a_product_is_not_an_offer(string language, string line)
    {
        var result = Analyze(language, line);

        Assert.False(result.UpsellAttempted, result.Summary);
        Assert.Equal(CustomerReaction.None, result.CustomerReaction);
    }

    [Fact]
    public void An_offered_item_no_category_names_is_other_and_a_known_one_is_mapped()
    {
        var result = Analyze("en", "Would you like a scented candle?", "Sure.", "And would you like an extended warranty?", "No thanks.");

        Assert.Equal(["other", "warranty"], result.OfferedCategories);
        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
    }

    [Fact]
    public void A_routine_question_is_not_an_offer()
    {
        var result = Analyze("en", "Hello!", "Would you like to pay by card?", "Yes.", "Do you need a receipt?", "No.");

        Assert.False(result.UpsellAttempted, result.Summary);
    }

    [Theory]
    [InlineData("would you like {item}", true)]
    [InlineData("{item} ister misiniz ??", true)]
    [InlineData("would you like", false)]
    [InlineData("{item} {item}", false)]
    [InlineData("a ^ {item}", false)]
    public void Frames_parse_or_say_why_not(string frame, bool ok)
    {
        Assert.Equal(ok, OfferFrame.TryParse(frame, out _, out var error));
        Assert.Equal(ok, error is null);
    }

    [Theory]
    [InlineData("en", "Don't you want a spare battery for the trip?")]
    [InlineData("en", "Are you all set for batteries?")]
    [InlineData("en", "Have you got a lint roller at home already?")]
    [InlineData("en", "Most folks who buy a kettle grab the descaler too.")]
    [InlineData("en", "Should you need gift wrapping, I can do it now.")]
    [InlineData("en", "Together with the mat it's fifteen percent off.")]
    [InlineData("ru", "Хотите, я подберу вам стельки к ботинкам?")]
    [InlineData("ru", "Многие к такому ещё берут крем для обуви.")]
    [InlineData("tr", "Ayakkabı spreyi lazım olur mu?")]
    [InlineData("az", "Hamı bunun yanına qoruyucu şüşə götürür.")]
    [InlineData("uz", "Sizga quloqchinni ko'rsatay, bir qarang.")]
    public void Negative_questions_need_checks_social_proof_and_bundles_are_offers(string language, string line)
    {
        var result = Analyze(language, line);

        Assert.True(result.UpsellAttempted, result.Summary);
    }

    [Theory]
    [InlineData("en", "Have you got lint rollers?")]
    [InlineData("en", "I'm sorry it broke, let me get you another one.")]
    [InlineData("en", "We do, they're on the shelf behind you.")]
    [InlineData("tr", "Bana bir ayakkabı spreyi lazım.")]
    public void A_customer_asking_a_replacement_or_an_answer_to_a_question_is_not_an_offer(string language, string line)
    {
        var result = Analyze(language, line);

        Assert.False(result.UpsellAttempted, result.Summary);
    }

    [Fact]
    public void A_frame_marked_to_hold_against_customer_cues_parses_and_a_bare_mark_does_not()
    {
        Assert.True(OfferFrame.TryParse("! have you got {item} at_home ??", out var frame, out _));
        Assert.Equal("! have you got {item} at_home ??", frame!.Source);
        Assert.False(OfferFrame.TryParse("! {item}", out _, out var error));
        Assert.NotNull(error);
    }
}
