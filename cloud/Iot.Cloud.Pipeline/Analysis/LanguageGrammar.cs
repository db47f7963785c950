namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// What the analyzer knows of a language's grammar, as opposed to the tenant's phrases: where a product phrase
/// ends, which words around it are not part of it, which words negate. Words are written plainly and folded on use.
/// </summary>
/// <param name="ItemStops">A product slot ends before these ("a case <b>for</b> it", "чехол <b>для</b> него").</param>
/// <param name="ItemFillers">Dropped from either edge of a slot ("<b>also</b> a case", "<b>ещё</b> чехол", "<b>size</b> bir kılıf").</param>
/// <param name="NonItems">A slot starting with one of these is not a product ("would you like <b>to</b> pay", "anything else").</param>
/// <param name="Determiners">Articles and the like, skipped when judging whether a slot starts with a product ("a case", "this case").</param>
/// <param name="PreNegators">Negate the next three words ("not happy", "не нравится").</param>
/// <param name="PostNegators">Negate the word before ("memnun değil", "yaxshi emas").</param>
/// <param name="SellerService">Phrases only staff say (a turn-role cue): "how can I help", "чем могу помочь".</param>
/// <param name="Contrast">"but": the reply after it is the one that counts ("yes, but not now").</param>
/// <param name="Deferrals">Decline phrases (as written in the profile) that only put the decision off ("not now"): with a hedge, undecided.</param>
/// <param name="Attachments">"for it", "к нему", "yanına": tie an item to what was bought; not part of the item at its edge.</param>
/// <param name="ImperativeEndings">Word endings of a polite imperative ("-йте", "-ın", "-ing"): a reply "Клейте" or "Taxın" agrees.</param>
/// <param name="NegativeImperativeEndings">Endings of a negative imperative ("-mayın", "-mang"): a reply that forbids declines.</param>
/// <param name="NotImperatives">Words with an imperative ending that are not one ("sağ olun" is thanks, "bugün" a day).</param>
/// <param name="Conditionals">Words that make a reply conditional ("if", "если"); Turkic marks it by suffix, see <paramref name="ConditionalEndings"/>.</param>
/// <param name="ConditionalEndings">Turkic conditional suffixes ("-sa", "-dırsa"): "lazımdırsa dəyişin" is a yes on a condition.</param>
/// <param name="AnswerParticles">Bare yes/no words ("no", "нет", "yok"): an answer only where they open a clause ("места нет" is no answer).</param>
/// <param name="Acknowledgements">"okay", "ладно", "tamam": take note rather than decide; beside a real decision they are not the answer.</param>
/// <param name="Restrictors">"only", "just", "for now" ("только", "sadece", "hozircha"): after a no, a go-ahead behind one takes the customer's own choice, not the offer.</param>
/// <param name="QuestionWords">"what", "что", "nə", "nima": a question with one outside the frame's own words deliberates, it offers nothing.</param>
/// <param name="ChoiceMarkers">"olsun", "bo'lsin": after a no, "standart olsun" (let it be the standard one) names the customer's choice.</param>
/// <param name="Thanks">"thanks", "спасибо", "rahmat": an "okay, thanks" holds no decision.</param>
/// <param name="Interjections">"oh", "well", "ой", "hmm": may stand before an answer particle that still opens its clause.</param>
public sealed record LanguageGrammar(
    IReadOnlyList<string> ItemStops,
    IReadOnlyList<string> ItemFillers,
    IReadOnlyList<string> NonItems,
    IReadOnlyList<string> Determiners,
    IReadOnlyList<string> PreNegators,
    IReadOnlyList<string> PostNegators,
    IReadOnlyList<string> SellerService,
    IReadOnlyList<string> Contrast,
    IReadOnlyList<string> Deferrals,
    IReadOnlyList<string>? Attachments = null,
    IReadOnlyList<string>? ImperativeEndings = null,
    IReadOnlyList<string>? NegativeImperativeEndings = null,
    IReadOnlyList<string>? NotImperatives = null,
    IReadOnlyList<string>? Conditionals = null,
    IReadOnlyList<string>? ConditionalEndings = null,
    IReadOnlyList<string>? AnswerParticles = null,
    IReadOnlyList<string>? Acknowledgements = null,
    IReadOnlyList<string>? Restrictors = null,
    IReadOnlyList<string>? Interjections = null,
    IReadOnlyList<string>? Thanks = null,
    IReadOnlyList<string>? QuestionWords = null,
    IReadOnlyList<string>? ChoiceMarkers = null)
{
    public static LanguageGrammar Empty { get; } = new([], [], [], [], [], [], [], [], []);
}
