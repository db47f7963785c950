using Iot.Cloud.Pipeline.Analysis;

namespace Iot.Cloud.Pipeline.Tests.Analysis;

/// <summary>The reply is the first reply-like turn after the offer; negation and hedges are read per language.</summary>
public sealed class ReplyAndNegationTests
{
    private static AnalysisResult Analyze(string language, params string[] lines) =>
        RuleAnalyzer.Analyze(ScriptTranscripts.Of(language, lines), BuiltInProfiles.Default);

    [Theory]
    [InlineData("en", "Would you like a case for it?", "I'm good, thanks.", CustomerReaction.Declined)]
    [InlineData("en", "Would you like a case for it?", "Maybe later.", CustomerReaction.Undecided)]
    [InlineData("en", "Would you like a case for it?", "I'm not sure, let me think.", CustomerReaction.Undecided)]
    [InlineData("en", "Would you like a case for it?", "Sure, why not.", CustomerReaction.Accepted)]
    [InlineData("en", "Would you like a case for it?", "No problem, add it.", CustomerReaction.Accepted)]
    [InlineData("en", "Would you like a case for it?", "Yes... but not today.", CustomerReaction.Declined)]
    [InlineData("ru", "Возьмёте чехол?", "Да нет, не надо.", CustomerReaction.Declined)]
    [InlineData("ru", "Возьмёте чехол?", "Давайте, добавьте.", CustomerReaction.Accepted)]
    [InlineData("ru", "Возьмёте чехол?", "Не знаю, я подумаю.", CustomerReaction.Undecided)]
    [InlineData("tr", "Kılıf ister misiniz?", "Yok, kalsın.", CustomerReaction.Declined)]
    [InlineData("tr", "Kılıf ister misiniz?", "Olur, ekleyin.", CustomerReaction.Accepted)]
    [InlineData("tr", "Kılıf ister misiniz?", "Bir düşüneyim.", CustomerReaction.Undecided)]
    [InlineData("az", "Qoruyucu şüşə istəyirsiniz?", "Yox, lazım deyil.", CustomerReaction.Declined)]
    [InlineData("az", "Qoruyucu şüşə istəyirsiniz?", "Bəli, əlavə edin.", CustomerReaction.Accepted)]
    [InlineData("uz", "G'ilof ham olasizmi?", "Yo'q, kerak emas.", CustomerReaction.Declined)]
    [InlineData("uz", "Ғилоф ҳам оласизми?", "Ҳа, майли.", CustomerReaction.Accepted)]
    [InlineData("uz", "G'ilof ham olasizmi?", "Balki keyinroq.", CustomerReaction.Undecided)]
    public void The_reply_after_the_offer_is_read_with_negation_and_hedges(string language, string offer, string reply, CustomerReaction expected)
    {
        var result = Analyze(language, offer, reply);

        Assert.True(result.UpsellAttempted, result.Summary);
        Assert.Equal(expected, result.CustomerReaction);
    }

    [Fact]
    public void A_yes_before_the_offer_or_a_question_in_between_is_not_the_reply()
    {
        var result = Analyze("en", "Yes, hello, I need a charger.", "Here you go. Would you like a cable as well?", "How long is it?", "Two metres.", "No thanks, just the charger.");

        Assert.Equal(CustomerReaction.Declined, result.CustomerReaction);
        Assert.Contains(result.Evidence, e => e.Claim == "reaction" && "No thanks, just the charger.".Contains(e.Quote, StringComparison.Ordinal));
    }

    [Fact]
    public void A_reply_to_nothing_leaves_the_reaction_none()
    {
        var result = Analyze("en", "Hi, is this kettle on sale?", "Yes, it is.", "Great, I'll take it.");

        Assert.False(result.UpsellAttempted, result.Summary);
        Assert.Equal(CustomerReaction.None, result.CustomerReaction);
    }

    [Theory]
    [InlineData("en", "I'm not happy with this at all.", SentimentLabel.Negative)]
    [InlineData("en", "No problem, thanks.", SentimentLabel.Neutral)]
    [InlineData("en", "Not bad, I really love it.", SentimentLabel.Positive)]
    [InlineData("ru", "Мне не нравится этот чехол.", SentimentLabel.Negative)]
    [InlineData("ru", "Без проблем, спасибо.", SentimentLabel.Neutral)]
    [InlineData("tr", "Hiç memnun değilim.", SentimentLabel.Negative)]
    [InlineData("tr", "Sorun değil, teşekkürler.", SentimentLabel.Neutral)]
    [InlineData("az", "Heç yaxşı deyil, narazıyam.", SentimentLabel.Negative)]
    [InlineData("uz", "Juda yaxshi emas.", SentimentLabel.Negative)]
    [InlineData("uz", "Ajoyib, juda yoqdi!", SentimentLabel.Positive)]
    public void Sentiment_reads_negation_in_every_language(string language, string line, SentimentLabel expected)
    {
        var result = Analyze(language, "…", line);

        Assert.Equal(expected, result.Sentiment);
    }

    [Fact]
    public void The_sellers_routine_praise_is_not_the_customers_sentiment()
    {
        var result = Analyze("en", "Hello, how can I help?", "I need a phone charger.", "Great choice, perfect, excellent. Would you like a cable too?", "No, thanks.");

        Assert.Equal(SentimentLabel.Neutral, result.Sentiment);
    }
}
