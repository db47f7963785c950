using System.Text;
using System.Text.RegularExpressions;

namespace Iot.Bench.Analysis.Corpus;

// Assembles one generated dialogue from a FrameFile: who says what in which order, which turn holds the offer and
// which words are the offered item. Labels are derived from the choices made here, never from re-reading the text.
internal sealed partial class DialogueBuilder(FrameFile frames, Random rng)
{
    private readonly List<CorpusTurn> turns = [];
    private readonly List<CorpusOffer> offers = [];
    private readonly List<string> reactions = [];
    private readonly List<string> sentiments = [];
    private int upsellCount;

    private const string Cycle = "adadu";

    [GeneratedRegex(@"\{(\w+)(?:\|(\w+))?\}")]
    private static partial Regex Slot();

    public CorpusDialogue BuildUpsell()
    {
        Reset();
        var (family, frame, context, product) = PickOffer(null, null, null);
        var startComplaint = rng.NextDouble() < 0.1 ? Pick(Lines("negative", "start")) : null;
        if (rng.NextDouble() < 0.85)
        {
            Say("seller", Pick(frames.Openers));
        }

        if (startComplaint is not null)
        {
            Say("customer", startComplaint.Text);
            sentiments.Add("negative");
        }

        Say("customer", Pick(context.Requests));
        Say("seller", Pick(context.Serves));
        if (context.Takes.Count > 0 && rng.NextDouble() < 0.6)
        {
            Say("customer", Pick(context.Takes));
        }

        var reaction = OfferAndReply(family, frame, product);
        // Sellers try again after a "no", not after a "maybe" (which would then hide the undecided label).
        if (reaction == "declined" && rng.NextDouble() < 0.4)
        {
            var second = PickOffer(context, product, frame);
            OfferAndReply(second.Family, second.Frame, second.Product);
        }

        AddEndSentiment();
        if (rng.NextDouble() < 0.8)
        {
            SayTemplate(Pick(frames.Closers), null);
        }

        return Finish(offers[0].Family);
    }

    public CorpusDialogue BuildDistractor()
    {
        Reset();
        var template = Pick(frames.Distractors);
        var product = PickProduct(template);
        if (template.Turns[0].StartsWith("C:", StringComparison.Ordinal) && rng.NextDouble() < 0.7)
        {
            Say("seller", Pick(frames.Openers));
        }

        SayTemplate(template.Turns, product);
        if (template.Sentiment != "neutral")
        {
            sentiments.Add(template.Sentiment);
        }
        else
        {
            AddEndSentiment();
        }

        if (template.Closer && rng.NextDouble() < 0.5)
        {
            SayTemplate(Pick(frames.Closers), null);
        }

        return Finish(template.Family);
    }

    private string OfferAndReply(OfferFamily family, OfferFrame frame, Product product)
    {
        var (text, itemStart, itemLength) = Fill(frame.Text, product);
        var turn = Say("seller", text);
        offers.Add(new CorpusOffer
        {
            Turn = turn,
            Item = turns[turn].Text.Substring(itemStart, itemLength),
            Category = product.Category,
            Family = family.Name,
        });
        if (rng.NextDouble() < 0.25)
        {
            Say("seller", Pick(frames.SellerFollowups));
        }

        if (rng.NextDouble() < 0.2)
        {
            var qa = Pick(frames.CustomerQuestions);
            Say("customer", qa.Q);
            Say("seller", qa.A);
        }

        // The first answer in a dialogue cycles accepted/declined/undecided 2:2:1 so every split has all three;
        // an answer to a second offer is drawn at random.
        var kind = offers.Count == 1 ? Cycle[upsellCount++ % Cycle.Length] : Cycle[rng.Next(Cycle.Length)];
        var (reaction, choices) = kind switch
        {
            'a' => ("accepted", frames.Replies.Accepted),
            'd' => ("declined", frames.Replies.Declined),
            _ => ("undecided", frames.Replies.Undecided),
        };
        var reply = Pick([.. choices.Where(r => !r.NotCategories.Contains(product.Category))]);
        Say("customer", reply.Text);
        reactions.Add(reaction);
        if (reply.Sentiment is not null)
        {
            sentiments.Add(reply.Sentiment);
        }

        return reaction;
    }

    private void AddEndSentiment()
    {
        if (sentiments.Count > 0)
        {
            return;
        }

        // Neutral lines ("no problem", "без проблем") are there because they look like sentiment and are not.
        var roll = rng.NextDouble();
        var kind = roll < 0.15 ? "positive" : roll < 0.23 ? "negative" : roll < 0.33 ? "neutral" : null;
        List<SentimentLine> lines = kind is null ? [] : Lines(kind, "end");
        if (lines.Count > 0)
        {
            Say("customer", Pick(lines).Text);
            sentiments.Add(kind!);
        }
    }

    private List<SentimentLine> Lines(string sentiment, string at) =>
        [.. frames.SentimentLines.Where(l => l.Sentiment == sentiment && l.At == at)];

    // A second offer in a dialogue is made in the same context, for another product, with another frame.
    private (OfferFamily Family, OfferFrame Frame, ProductContext Context, Product Product) PickOffer(ProductContext? context, Product? notProduct, OfferFrame? notFrame)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var family = Pick(frames.Families);
            var frame = Pick(family.Frames);
            if (frame == notFrame)
            {
                continue;
            }

            var ctx = context ?? Pick(frames.Contexts);
            var fits = frame.Contexts.Count > 0 && !frame.Contexts.Contains(ctx.Name) ? []
                : ctx.Products.Where(p => p != notProduct && Fits(frame, p)).ToList();
            if (fits.Count > 0)
            {
                return (family, frame, ctx, Pick(fits));
            }
        }

        throw new InvalidOperationException($"{frames.Lang}/{frames.Split}: no offer frame fits the products of any context");
    }

    private static bool Fits(OfferFrame frame, Product product) =>
        (frame.Categories.Count == 0 || frame.Categories.Contains(product.Category))
        && !frame.NotCategories.Contains(product.Category)
        && Slot().Matches(frame.Text).All(m => product.Forms.ContainsKey(m.Groups[1].Value));

    private Product? PickProduct(DistractorTemplate template)
    {
        var (templateTurns, categories) = (template.Turns, template.Categories);
        var forms = templateTurns.SelectMany(t => Slot().Matches(t)).Select(m => m.Groups[1].Value).Distinct().ToList();
        if (forms.Count == 0)
        {
            return null;
        }

        var fits = frames.Contexts.Where(c => template.Contexts.Count == 0 || template.Contexts.Contains(c.Name)).SelectMany(c => c.Products)
            .Where(p => (categories.Count == 0 || categories.Contains(p.Category)) && forms.All(p.Forms.ContainsKey)).ToList();
        return fits.Count > 0 ? Pick(fits)
            : throw new InvalidOperationException($"{frames.Lang}/{frames.Split}: no product has the forms {string.Join(", ", forms)} for \"{templateTurns[0]}\"");
    }

    private void SayTemplate(List<string> template, Product? product)
    {
        foreach (var line in template)
        {
            var speaker = line.StartsWith("S:", StringComparison.Ordinal) ? "seller"
                : line.StartsWith("C:", StringComparison.Ordinal) ? "customer"
                : throw new InvalidOperationException($"{frames.Lang}/{frames.Split}: turn template without \"S:\" or \"C:\": \"{line}\"");
            var text = line[2..].Trim();
            Say(speaker, product is null ? text : Fill(text, product).Text);
        }
    }

    // Replaces every slot with the product's form; returns where the first slot's item landed in the text.
    private (string Text, int ItemStart, int ItemLength) Fill(string template, Product product)
    {
        var text = new StringBuilder();
        int itemStart = -1, itemLength = 0, last = 0;
        foreach (Match m in Slot().Matches(template))
        {
            text.Append(template, last, m.Index - last);
            if (!product.Forms.TryGetValue(m.Groups[1].Value, out var form))
            {
                throw new InvalidOperationException($"{frames.Lang}/{frames.Split}: product \"{product.Forms.Values.First()}\" has no form \"{m.Groups[1].Value}\" for \"{template}\"");
            }

            var item = m.Groups[2].Value switch
            {
                "" or "da" => form,
                "ni" => form + "ni",
                var other => throw new InvalidOperationException($"{frames.Lang}/{frames.Split}: unknown slot filter \"{other}\" in \"{template}\""),
            };
            if (itemStart < 0)
            {
                itemStart = text.Length;
                itemLength = item.Length;
            }

            text.Append(item);
            if (m.Groups[2].Value == "da")
            {
                text.Append(' ').Append(Particle(form));
            }

            last = m.Index + m.Length;
        }

        text.Append(template, last, template.Length - last);
        return (text.ToString(), itemStart, itemLength);
    }

    // Turkish and Azerbaijani "too" particle agrees with the last vowel of the word before it.
    private string Particle(string word)
    {
        var vowel = word.ToLowerInvariant().LastOrDefault(c => "aıoueəiöü".Contains(c));
        var back = "aıou".Contains(vowel);
        return back ? "da" : frames.Lang == "az" ? "də" : "de";
    }

    private int Say(string speaker, string text)
    {
        var pause = turns.Count == 0 ? 0
            : turns[^1].Speaker == speaker ? rng.Next(150, 450)
            : rng.Next(350, 1300);
        turns.Add(new CorpusTurn { Speaker = speaker, Text = Capitalise(text), PauseBeforeMs = pause });
        return turns.Count - 1;
    }

    private string Capitalise(string text)
    {
        if (text.Length == 0 || !char.IsLower(text[0]))
        {
            return text;
        }

        // Turkish and Azerbaijani dotted i capitalises to İ; invariant upper-casing would give I.
        var first = text[0] == 'i' && frames.Lang is "tr" or "az" ? 'İ' : char.ToUpperInvariant(text[0]);
        return first + text[1..];
    }

    private CorpusDialogue Finish(string family)
    {
        var reaction = offers.Count == 0 ? "none"
            : reactions.Contains("accepted") ? "accepted"
            : reactions.Contains("declined") ? "declined"
            : "undecided";
        var sentiment = sentiments.Contains("negative") ? "negative" : sentiments.Contains("positive") ? "positive" : "neutral";
        return new CorpusDialogue
        {
            Lang = frames.Lang,
            Script = frames.Lang == "ru" ? "cyrl" : "latn",
            Split = frames.Split,
            Family = family,
            Source = "generated",
            Turns = [.. turns],
            Labels = new CorpusLabels { Upsell = offers.Count > 0, Offers = [.. offers], Reaction = reaction, Sentiment = sentiment },
        };
    }

    private void Reset()
    {
        turns.Clear();
        offers.Clear();
        reactions.Clear();
        sentiments.Clear();
    }

    private T Pick<T>(List<T> items) =>
        items.Count > 0 ? items[rng.Next(items.Count)] : throw new InvalidOperationException($"{frames.Lang}/{frames.Split}: an empty list in the frame file");
}
