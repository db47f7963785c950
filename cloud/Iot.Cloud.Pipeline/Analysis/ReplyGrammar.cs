namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// Where in an utterance a reply phrase stands, and what that does to it (rules/6). Phrase lists find words; whether
/// those words answer the offer depends on their place in the sentence, which holds for phrasings no list has seen:
/// <list type="bullet">
/// <item>a bare yes/no particle answers only where it opens its clause ("No, I'm alright" answers; "на балконе места
/// нет", "I said no one" do not);</item>
/// <item>inside a question only a yes/no particle opening the sentence answers ("Yes, can I pay by card?"); "Are the
/// bits okay on porcelain?", "Сколько идёт?" and "Можно я позже позвоню?" ask, they do not agree;</item>
/// <item>a go-ahead under a negator declines ("Not to be sold things", "alayım değil").</item>
/// </list>
/// </summary>
internal static class ReplyGrammar
{
    private const int NegatorReach = 3;

    /// <summary>False when the phrase stands where it cannot be the customer's answer.</summary>
    public static bool Answers(SpokenTurn turn, PhraseHit hit, LanguageRules rules)
    {
        var (sentenceStart, clauseStart, question) = Place(turn, hit);
        var at = turn.Folded.OriginalIndex(hit.Start);
        // "Yes, can I pay by card?" answers; "Можно я позже позвоню?" and "Are the bits okay?" ask.
        var particle = rules.AnswerParticles.Contains(FoldedText.FoldPhrase(hit.Phrase));
        if (question && (!particle || Content(turn.Text[sentenceStart..at], rules).Count > 0))
        {
            return false;
        }

        // "Посмотрю, на сколько этого мешка хватит", "I'll see how long it lasts": inside an indirect question
        // the words say what the customer wonders about, not what they decide.
        var clause = FoldedText.FoldPhrase(turn.Text[clauseStart..at]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (clause.Any(rules.QuestionWords.Contains))
        {
            return false;
        }

        return !particle || Content(turn.Text[clauseStart..at], rules).Count == 0;
    }

    /// <summary>
    /// False when a sentence ends inside the phrase: folding drops punctuation, so "нет конечно" would read "Нет!
    /// Конечно беру" as one phrase.
    /// </summary>
    public static bool InOneSentence(SpokenTurn turn, PhraseHit hit)
    {
        var at = turn.Folded.OriginalIndex(hit.Start);
        return turn.Text.AsSpan(at, turn.Folded.OriginalIndex(hit.End - 1) - at).IndexOfAny(SentenceEnds) < 0;
    }

    /// <summary>True when a negator governs the phrase: one of the three words before it in its clause, or a post-negator right after it.</summary>
    public static bool Negated(SpokenTurn turn, PhraseHit hit, LanguageRules rules)
    {
        var (_, clauseStart, _) = Place(turn, hit);
        var at = turn.Folded.OriginalIndex(hit.Start);
        var before = FoldedText.FoldPhrase(turn.Text[clauseStart..at]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (before.TakeLast(NegatorReach).Any(rules.PreNegators.Contains))
        {
            return true;
        }

        var next = LanguageRules.Words(turn.Folded.Value, hit.End, turn.Folded.Value.Length).FirstOrDefault();
        return next.Text is not null && rules.PostNegators.Contains(next.Text) && !CrossesClause(turn, hit.End, next.Start);
    }

    /// <summary>"Standart olsun", "bardak olsun", "oddiysi bo'lsin": a let-it-be with its own subject names the customer's choice.</summary>
    public static bool NamesAChoice(SpokenTurn turn, PhraseHit hit, LanguageRules rules)
    {
        if (!rules.ChoiceMarkers.Contains(FoldedText.FoldPhrase(hit.Phrase)))
        {
            return false;
        }

        var (_, clauseStart, _) = Place(turn, hit);
        return Content(turn.Text[clauseStart..turn.Folded.OriginalIndex(hit.Start)], rules).Count > 0;
    }

    /// <summary>True when "only", "just", "for now" ("только", "sadece", "hozircha") stands between two folded positions.</summary>
    public static bool RestrictedBetween(SpokenTurn turn, int from, int to, LanguageRules rules)
    {
        var between = " " + turn.Folded.Value[from..to].Trim() + " ";
        return rules.Restrictors.Any(c => between.Contains(" " + c + " ", StringComparison.Ordinal));
    }

    /// <summary>True when no clause break lies between two hits of one utterance.</summary>
    public static bool SameClause(SpokenTurn turn, PhraseHit first, PhraseHit second) => !CrossesClause(turn, first.End, second.Start);

    public static bool IsAcknowledgement(PhraseHit hit, LanguageRules rules) =>
        rules.Acknowledgements.Contains(FoldedText.FoldPhrase(hit.Phrase));

    /// <summary>"Okay, thanks.", "Tamam, teşekkürler.": nothing but an acknowledgement and thanks ("Fine, chuck them in" says more).</summary>
    public static bool OnlyAcknowledges(SpokenTurn turn, LanguageRules rules) =>
        Content(turn.Text, rules).All(w => rules.Thanks.Contains(w));

    private static List<string> Content(string original, LanguageRules rules) =>
        [.. FoldedText.FoldPhrase(original).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !rules.Interjections.Contains(w) && !rules.AnswerParticles.Contains(w) && !rules.Acknowledgements.Contains(w))];

    private static bool CrossesClause(SpokenTurn turn, int foldedFrom, int foldedTo)
    {
        var from = turn.Folded.OriginalIndex(foldedFrom - 1) + 1;
        var to = turn.Folded.OriginalIndex(foldedTo);
        return turn.Text.AsSpan(from, Math.Max(0, to - from)).IndexOfAny(ClauseBreaks) >= 0;
    }

    /// <summary>Original-text start of the hit's sentence and clause, and whether its sentence is a question.</summary>
    private static (int SentenceStart, int ClauseStart, bool Question) Place(SpokenTurn turn, PhraseHit hit)
    {
        var text = turn.Text;
        var at = turn.Folded.OriginalIndex(hit.Start);
        var sentenceStart = text.AsSpan(0, at).LastIndexOfAny(SentenceEnds) + 1;
        var clauseStart = Math.Max(sentenceStart, text.AsSpan(0, at).LastIndexOfAny(ClauseBreaks) + 1);
        var end = text.AsSpan(at).IndexOfAny(SentenceEnds);
        var question = end >= 0 && text[at + end] == '?';
        return (sentenceStart, clauseStart, question);
    }

    private static readonly System.Buffers.SearchValues<char> SentenceEnds = System.Buffers.SearchValues.Create(".?!;…\n");

    private static readonly System.Buffers.SearchValues<char> ClauseBreaks = System.Buffers.SearchValues.Create(".?!;…\n,:—–()");
}
