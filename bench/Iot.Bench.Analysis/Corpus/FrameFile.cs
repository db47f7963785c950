namespace Iot.Bench.Analysis.Corpus;

// The generator's input for one language and split (frames/{split}/{lang}.json). Everything a dialogue is made of is
// data here, so linguists edit phrasing without touching code. Turn templates are written "S: text" (seller) or
// "C: text" (customer); product slots are {form} or {form|filter}, where form names one of the product's stored
// forms (nominative, accusative, "a"...) and filter is "da" (tr/az: the harmonising particle da/de/də as a separate
// word, not part of the item) or "ni" (uz: accusative suffix, part of the item).
internal sealed class FrameFile
{
    public string Lang { get; init; } = "";

    public string Split { get; init; } = "";

    // Total dialogues in the split for this language, hand-written ones included.
    public int Count { get; init; }

    // Share of generated dialogues that contain an offer; the rest are distractors.
    public double UpsellShare { get; init; } = 0.55;

    // uz: ["latn", "cyrl"]: the Cyrillic half is the same content transliterated (Uzbek Latin maps to Cyrillic by rule).
    public List<string> Scripts { get; init; } = ["latn"];

    public List<string> Openers { get; init; } = [];

    public List<List<string>> Closers { get; init; } = [];

    public List<ProductContext> Contexts { get; init; } = [];

    public List<OfferFamily> Families { get; init; } = [];

    public ReplySet Replies { get; init; } = new();

    // Seller sentences said after the offer and before the customer answers (no new product in them).
    public List<string> SellerFollowups { get; init; } = [];

    // A customer question asked before answering an offer, and the seller's answer.
    public List<QuestionAnswer> CustomerQuestions { get; init; } = [];

    public List<SentimentLine> SentimentLines { get; init; } = [];

    public List<DistractorTemplate> Distractors { get; init; } = [];
}

// What the customer came for and what can be offered on top of it.
internal sealed class ProductContext
{
    public string Name { get; init; } = "";

    public List<string> Requests { get; init; } = [];

    public List<string> Serves { get; init; } = [];

    public List<string> Takes { get; init; } = [];

    public List<Product> Products { get; init; } = [];
}

internal sealed class Product
{
    public string Category { get; init; } = "";

    public Dictionary<string, string> Forms { get; init; } = [];
}

internal sealed class OfferFamily
{
    public string Name { get; init; } = "";

    public List<OfferFrame> Frames { get; init; } = [];
}

internal sealed class OfferFrame
{
    public string Text { get; init; } = "";

    // Categories the frame fits (an upgrade frame only takes "premium"); empty = any category.
    public List<string> Categories { get; init; } = [];

    // Categories the frame does not fit ("premium" for "also take X").
    public List<string> NotCategories { get; init; } = [];

    // Shop contexts the frame fits ("delivery is free if..." is not said in a cafe); empty = any.
    public List<string> Contexts { get; init; } = [];
}

internal sealed class ReplySet
{
    public List<Reply> Accepted { get; init; } = [];

    public List<Reply> Declined { get; init; } = [];

    public List<Reply> Undecided { get; init; } = [];
}

internal sealed class Reply
{
    public string Text { get; init; } = "";

    // Set when the reply itself carries sentiment (an irritated "no", an enthusiastic "yes").
    public string? Sentiment { get; init; }

    // Offers the reply does not fit ("add that too" does not answer an upgrade).
    public List<string> NotCategories { get; init; } = [];
}

internal sealed class QuestionAnswer
{
    public string Q { get; init; } = "";

    public string A { get; init; } = "";
}

internal sealed class SentimentLine
{
    public string Text { get; init; } = "";

    public string Sentiment { get; init; } = "";

    // "start": said before the request (a complaint on arrival); "end": said before the closing turns.
    public string At { get; init; } = "end";
}

internal sealed class DistractorTemplate
{
    public string Family { get; init; } = "";

    public string Sentiment { get; init; } = "neutral";

    // Categories a product slot in the template may take; empty = any.
    public List<string> Categories { get; init; } = [];

    // Contexts the slot's product may come from (nobody asks where the savings accounts are); empty = any.
    public List<string> Contexts { get; init; } = [];

    // False for templates that end with nothing bought (small talk), where a payment closer would not fit.
    public bool Closer { get; init; } = true;

    public List<string> Turns { get; init; } = [];
}
