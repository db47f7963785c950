using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

/// <summary>
/// The rules/6 structures: replies read by where their words stand (yes/no particles open a clause, a question asks,
/// a negator governs a go-ahead, a no with the customer's own choice after it stands, "okay, thanks" after a question
/// back decides nothing), offers made from one side of the floor, and offer acts by grammar. Sentences are written
/// for these tests, not taken from any corpus split.
/// </summary>
public sealed class RulesSixStructureTests
{
    private static AnalysisResult Analyze(string language, params string[] lines) =>
        RuleAnalyzer.Analyze(ScriptTranscripts.Of(language, lines), BuiltInProfiles.Default);

    [Theory]
    [InlineData("ru", "Может, возьмёте коврик для мыши?", "Давайте, дома такого нет.")]
    [InlineData("tr", "Mouse pad de alır mısınız?", "Alayım, evde hiç yok.")]
    [InlineData("en", "Would you like a mouse mat as well?", "Go on, I said no to the last one but why not.")]
    public void A_yes_no_particle_inside_a_clause_is_no_answer(string language, string offer, string reply)
    {
        var result = Analyze(language, offer, reply);

        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
    }

    [Theory]
    [InlineData("en", "Would you like the care plan on it?", "Is it okay if I pay monthly for that?")]
    [InlineData("ru", "Возьмёте к нему защитное стекло?", "Можно я сначала у мужа спрошу?")]
    public void A_go_ahead_word_inside_a_question_asks_rather_than_agrees(string language, string offer, string reply)
    {
        var result = Analyze(language, offer, reply);

        Assert.NotEqual(CustomerReaction.Accepted, result.CustomerReaction);
    }

    [Fact]
    public void A_yes_particle_opening_a_question_still_answers()
    {
        var result = Analyze("en", "Would you like the care plan on it?", "Yes, can I pay monthly for that?");

        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
    }

    [Fact]
    public void A_negated_go_ahead_declines()
    {
        var result = Analyze("en", "Would you like the care plan on it?", "I'm not okay with paying extra every month.");

        Assert.Equal(CustomerReaction.Declined, result.CustomerReaction);
    }

    [Theory]
    [InlineData("en", "Would you like a sleeve for the laptop?", "No, just the laptop, I'll take that.")]
    [InlineData("tr", "Çanta da alır mısınız?", "Yok, sadece bilgisayarı alayım.")]
    [InlineData("uz", "Sumka ham olasizmi?", "Yo'q, hozircha faqat noutbukni olaman.")]
    [InlineData("ru", "Сумку к нему возьмёте?", "Нет, только ноутбук, его беру.")]
    public void After_a_no_a_go_ahead_behind_only_is_the_customers_own_choice(string language, string offer, string reply)
    {
        var result = Analyze(language, offer, reply);

        Assert.Equal(CustomerReaction.Declined, result.CustomerReaction);
    }

    [Theory]
    [InlineData("tr", "Çanta da alır mısınız?", "Yok ya... olur, verin bir tane.")]
    [InlineData("ru", "Сумку к нему возьмёте?", "Нет! Конечно беру, старая порвалась.")]
    public void A_no_changed_to_a_yes_without_only_is_a_change_of_mind(string language, string offer, string reply)
    {
        var result = Analyze(language, offer, reply);

        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
    }

    [Theory]
    [InlineData("en", "Would you like the bigger screen for forty more?", "The basic one is fine.")]
    [InlineData("ru", "Может, возьмёте гигабитный тариф?", "Нет, конечно.")]
    public void A_go_ahead_that_belongs_to_a_no_is_part_of_it(string language, string offer, string reply)
    {
        var result = Analyze(language, offer, reply);

        Assert.Equal(CustomerReaction.Declined, result.CustomerReaction);
    }

    [Fact]
    public void Okay_thanks_after_a_question_back_decides_nothing()
    {
        var result = Analyze("en", "Would you like the extended warranty?", "How long does it run for?", "Three years from today.", "Okay, thanks.");

        Assert.Equal(CustomerReaction.Undecided, result.CustomerReaction);
    }

    [Fact]
    public void An_acknowledgement_with_more_words_after_a_question_back_still_takes_the_offer()
    {
        var result = Analyze("en", "Would you like the extended warranty?", "How long does it run for?", "Three years from today.", "Okay, go on then.");

        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
    }

    [Fact]
    public void A_first_person_request_is_not_an_offer()
    {
        var result = Analyze("en", "Could I get the blue mug, please?", "Of course. Would you like it gift-wrapped?", "No, it's for me.");

        Assert.Equal(["gift-wrapped"], result.Offers!.Select(o => o.Item));
        Assert.Equal(CustomerReaction.Declined, result.CustomerReaction);
    }

    [Theory]
    [InlineData("tr", "Çoğu kişi yanına şarj aletini de alıyor.")]
    [InlineData("az", "Çoxları bununla qoruyucu örtük də götürür.")]
    public void Social_proof_with_an_also_particle_is_an_offer(string language, string line)
    {
        var result = Analyze(language, "…", line);

        Assert.True(result.UpsellAttempted, result.Summary);
    }

    [Theory]
    [InlineData("ru", "Можем ещё сделать гравировку, это триста рублей.", "гравировку")]
    [InlineData("en", "We do engraving for ten pounds.", "engraving")]
    [InlineData("en", "Do you want us to set up the printer?", "the printer")]
    [InlineData("tr", "Silecekleri de değiştirelim mi?", "Silecekleri")]
    [InlineData("uz", "Moy filtrini ham almashtiraylikmi?", "Moy filtrini")]
    [InlineData("az", "Böyük qutu cəmi beş manat bahadır.", "Böyük qutu")]
    [InlineData("ru", "Большая коробка всего на двести рублей дороже.", "Большая коробка")]
    public void A_proposal_the_seller_makes_by_grammar_is_an_offer(string language, string line, string item)
    {
        var result = Analyze(language, "…", line);

        Assert.Contains(result.Offers!, o => o.Item == item);
    }

    [Theory]
    [InlineData("tr", "Bir beden büyüğüyle değiştirelim mi?")]
    [InlineData("uz", "Kattarog'iga almashtiraylikmi?")]
    public void An_exchange_proposal_without_also_is_not_an_offer(string language, string line)
    {
        var result = Analyze(language, "Bu ayakkabı küçük geldi, iade etmek istiyorum.", line);

        Assert.False(result.UpsellAttempted, result.Summary);
    }

    [Theory]
    [InlineData("tr", "Kahve için büyük boy da alır mısınız?", "Gerek yok, akşam uyuyamam. Küçük olsun.")]
    [InlineData("uz", "Katta stakan ham olasizmi?", "Kerak emas, kechasi uxlolmayman. Kichigi bo'lsin.")]
    public void After_a_no_a_let_it_be_with_its_own_subject_is_the_customers_choice(string language, string offer, string reply)
    {
        var result = Analyze(language, offer, reply);

        Assert.Equal(CustomerReaction.Declined, result.CustomerReaction);
    }

    [Fact]
    public void A_customer_who_keeps_asking_back_is_answered_in_a_later_block()
    {
        var result = Analyze(
            "en",
            "Would you like the annual pass instead?",
            "What does that come to?",
            "Two hundred for the year.",
            "Can I pay it monthly?",
            "Yes, twelve instalments.",
            "Alright, go on then, the annual one.");

        Assert.Equal(CustomerReaction.Accepted, result.CustomerReaction);
    }

    [Theory]
    [InlineData("ru", "Можем оформить доставку каждую неделю, так дешевле.", "Посмотрю, на сколько этой пачки хватит.")]
    [InlineData("en", "Would you like the refill subscription?", "I'll see how long this box lasts, it might be enough.")]
    public void Words_inside_an_indirect_question_do_not_decide(string language, string offer, string reply)
    {
        var result = Analyze(language, offer, reply);

        Assert.Equal(CustomerReaction.Undecided, result.CustomerReaction);
    }
}
