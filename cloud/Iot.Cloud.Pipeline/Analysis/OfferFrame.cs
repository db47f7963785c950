using System.Text;
using System.Text.RegularExpressions;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// One way of making an offer, written as a pattern over folded words with an open product slot, so one frame covers
/// every product ("would you like {item}") and inflected forms (<c>возьм*</c>, <c>*sanız</c>).
/// Tokens, separated by spaces:
/// <list type="bullet">
/// <item><c>word</c>; <c>stem*</c> (any ending: Russian cases, Turkic suffixes); <c>*suffix</c> (any word ending so:
///   Turkic conditionals <c>*sanız</c>); <c>a|b|c</c> alternatives; <c>throw_in</c> an alternative of several words.</item>
/// <item><c>?tok</c> optional; <c>~</c> up to three words of anything; <c>^</c> the frame starts its clause.</item>
/// <item><c>{item}</c> the product slot: words after the frame when last, before it when first (SOV languages), or between.</item>
/// <item>A final <c>??</c> token: the sentence must be a question; a final <c>.</c>: it must not be one ("X da var."
///   states what the shop has; "X da var?" is a customer asking).</item>
/// <item>A first <c>!</c> token: the frame holds even in a sentence with a customer cue. For seller questions that
///   share words with a customer's ("have you got a primer <b>at home</b>?" against "have you got primers?").</item>
/// </list>
/// </summary>
public sealed class OfferFrame
{
    private const int MaxItemWords = 6;

    /// <summary>Placeholder for a <c>~</c> gap while a frame is compiled (no folded text holds it).</summary>
    private const string GapMark = "\u0002";

    private OfferFrame(string source, Regex regex, SlotPlace slot, bool question, bool overridesCues, bool statement = false, Regex? shortGap = null)
    {
        ShortGap = shortGap;
        RequiresStatement = statement;
        Source = source;
        Regex = regex;
        Slot = slot;
        RequiresQuestion = question;
        OverridesCustomerCues = overridesCues;
    }

    public enum SlotPlace
    {
        After,
        Before,
        Inside,
    }

    public string Source { get; }

    internal Regex Regex { get; }

    /// <summary>
    /// For a frame with a <c>~</c> gap before an inside slot: the same pattern with the gap as short as it can be. The
    /// gap is greedy first ("Hamı bunun yanına X götürür": the gap takes "bunun yanına"); when that leaves the slot no
    /// product ("çoğu kişi boğaz spreyi de alıyor": the gap took the product, the slot only "de"), the short gap is tried.
    /// </summary>
    internal Regex? ShortGap { get; }

    internal SlotPlace Slot { get; }

    internal bool RequiresQuestion { get; }

    internal bool RequiresStatement { get; }

    internal bool OverridesCustomerCues { get; }

    /// <summary>Compiles a frame, or explains what is wrong with it (the message is shown to whoever edits the profile).</summary>
    public static bool TryParse(string source, out OfferFrame? frame, out string? error)
    {
        frame = null;
        error = null;
        var tokens = (source ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var question = tokens.Count > 0 && tokens[^1] == "??";
        if (question)
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        var statement = !question && tokens.Count > 0 && tokens[^1] == ".";
        if (statement)
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        var overridesCues = tokens.Count > 0 && tokens[0] == "!";
        if (overridesCues)
        {
            tokens.RemoveAt(0);
        }

        var slots = tokens.Count(t => t == "{item}");
        if (slots != 1)
        {
            error = $"frame '{source}' must have exactly one {{item}} slot (has {slots})";
            return false;
        }

        if (tokens.Count < 2)
        {
            error = $"frame '{source}' has no words besides the {{item}} slot";
            return false;
        }

        var slotIndex = tokens.IndexOf("{item}");
        var place = slotIndex == tokens.Count - 1 ? SlotPlace.After : slotIndex == 0 ? SlotPlace.Before : SlotPlace.Inside;
        var sb = new StringBuilder(@"(?<!\S)");
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t == "{item}")
            {
                // Between two frame words the slot is lazy (shortest product phrase); at an edge it is not in the regex.
                if (place == SlotPlace.Inside)
                {
                    sb.Append(@"(?<item>(?:\S+ ){1,6}?)");
                }

                continue;
            }

            if (t == "^")
            {
                if (i != 0 && !(i == 1 && place == SlotPlace.Before))
                {
                    error = $"frame '{source}': '^' may only start the frame";
                    return false;
                }

                sb.Append("(?<=^|\u0001 )");
                continue;
            }

            if (t == "~")
            {
                sb.Append(GapMark);
                continue;
            }

            var optional = t.StartsWith('?');
            var body = optional ? t[1..] : t;
            var alternatives = body.Split('|', StringSplitOptions.RemoveEmptyEntries);
            var pieces = new List<string>();
            foreach (var alt in alternatives)
            {
                var prefix = alt.EndsWith('*');
                var suffix = alt.StartsWith('*');
                var core = FoldedText.FoldPhrase(alt.Trim('*').Replace('_', ' '));
                if (core.Length == 0)
                {
                    error = $"frame '{source}': token '{t}' has no letters";
                    return false;
                }

                // A suffix token needs a stem before it: "*ем" (a Russian 1st-person plural) must not match the word "ем" alone.
                pieces.Add((suffix ? @"\S{2,}" : "") + Regex.Escape(core) + (prefix ? @"\S*" : ""));
            }

            if (pieces.Count == 0)
            {
                error = $"frame '{source}': empty token '{t}'";
                return false;
            }

            // A comma between frame words ("may I suggest, maybe, a case") does not break the frame.
            var group = $"(?:{string.Join('|', pieces)}) (?:\u0001 )?";
            sb.Append(optional ? $"(?:{group})?" : group);
        }

        var pattern = sb.ToString();
        var greedy = new Regex(pattern.Replace(GapMark, @"(?:\S+ ){0,3}", StringComparison.Ordinal), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var shortGap = pattern.Contains(GapMark, StringComparison.Ordinal)
            ? new Regex(pattern.Replace(GapMark, @"(?:\S+ ){0,3}?", StringComparison.Ordinal), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
            : null;
        frame = new OfferFrame(source!, greedy, place, question, overridesCues, statement, shortGap);
        return true;
    }

    public static OfferFrame Parse(string source) =>
        TryParse(source, out var frame, out var error) ? frame! : throw new FormatException(error);

    internal static int ItemWordLimit => MaxItemWords;
}
