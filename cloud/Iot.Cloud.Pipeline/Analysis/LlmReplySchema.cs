using System.Text.Json;
using System.Text.Json.Nodes;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// The JSON the model must answer with (sent as a strict <c>json_schema</c> response format) and the check of a reply
/// against it plus what a schema cannot say: categories and checklist ids from the profile, quotes verbatim.
/// <c>offered_items</c> and <c>purchase</c> (issue 19) are asked for but tolerated when absent, since servers and
/// models that predate them still answer the rest: no items, purchase null (not judged). Items are not checked for
/// being verbatim here; <see cref="EvidenceVerifier"/> drops the ones that are not, like paraphrased quotes elsewhere.
/// </summary>
internal static class LlmReplySchema
{
    public const string Name = "dialogue_analysis";

    private static readonly string[] Reactions = ["none", "accepted", "declined", "undecided"];
    private static readonly string[] Sentiments = ["negative", "neutral", "positive"];
    private static readonly string[] ItemReactions = ["accepted", "declined", "undecided"];
    private static readonly string[] Properties = ["upsell_attempted", "offered_categories", "customer_reaction", "checklist", "sentiment", "sentiment_score", "summary", "evidence"];
    private static readonly string[] Optional = ["offered_items", "purchase"];

    public static JsonObject Schema() => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = false,
        // Strict structured output wants every property required; the optional ones are nullable instead.
        ["required"] = new JsonArray([.. Properties.Concat(Optional).Select(p => (JsonNode)p)]),
        ["properties"] = new JsonObject
        {
            ["offered_items"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["required"] = new JsonArray("item", "category", "reaction"),
                    ["properties"] = new JsonObject
                    {
                        ["item"] = new JsonObject { ["type"] = "string" },
                        ["category"] = new JsonObject { ["type"] = "string" },
                        ["reaction"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. ItemReactions.Select(p => (JsonNode)p)]) },
                    },
                },
            },
            ["purchase"] = new JsonObject { ["type"] = new JsonArray("boolean", "null") },
            ["upsell_attempted"] = new JsonObject { ["type"] = "boolean" },
            ["offered_categories"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
            ["customer_reaction"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. Reactions.Select(p => (JsonNode)p)]) },
            ["checklist"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = Object(("item_id", "string"), ("met", "boolean")),
            },
            ["sentiment"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. Sentiments.Select(p => (JsonNode)p)]) },
            ["sentiment_score"] = new JsonObject { ["type"] = "number", ["minimum"] = -1, ["maximum"] = 1 },
            ["summary"] = new JsonObject { ["type"] = "string" },
            ["evidence"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = Object(("claim", "string"), ("quote", "string")),
            },
        },
    };

    /// <exception cref="MalformedReplyException">The reply is not JSON, breaks the schema or makes claims the transcript does not back.</exception>
    public static AnalysisResult Parse(string reply, AnalysisInput input)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(reply);
        }
        catch (JsonException e)
        {
            throw new MalformedReplyException($"LLM reply is not JSON: {e.Message}", reply, e);
        }

        using (doc)
        {
            var r = doc.RootElement;
            Require(r.ValueKind == JsonValueKind.Object, "the reply is not a JSON object", reply);
            var names = r.EnumerateObject().Select(p => p.Name).ToList();
            Require(names.Count == names.Distinct(StringComparer.Ordinal).Count(), "a property appears twice", reply);
            var extra = names.Except(Properties.Concat(Optional), StringComparer.Ordinal).ToList();
            Require(extra.Count == 0, $"unexpected properties: {string.Join(", ", extra)}", reply);
            var missing = Properties.Except(names, StringComparer.Ordinal).ToList();
            Require(missing.Count == 0, $"missing properties: {string.Join(", ", missing)}", reply);

            var upsell = Bool(r.GetProperty("upsell_attempted"), "upsell_attempted", reply);
            var known = input.Profile.Languages.Values.SelectMany(l => l.UpsellOffers.Keys).ToHashSet(StringComparer.Ordinal);
            var categories = Array(r.GetProperty("offered_categories"), "offered_categories", reply).Select(c => String(c, "offered_categories[]", reply)).ToList();
            var unknown = categories.Where(c => !known.Contains(c)).ToList();
            Require(unknown.Count == 0, $"offered_categories has categories the profile does not define: {string.Join(", ", unknown)}", reply);
            Require(upsell == categories.Count > 0, "upsell_attempted disagrees with offered_categories", reply);

            var reactionText = String(r.GetProperty("customer_reaction"), "customer_reaction", reply);
            Require(Reactions.Contains(reactionText, StringComparer.Ordinal), $"customer_reaction '{reactionText}' is not one of {string.Join("|", Reactions)}", reply);
            var reaction = Enum.Parse<CustomerReaction>(reactionText, ignoreCase: true);
            Require(upsell || reaction == CustomerReaction.None, "customer_reaction without any offer", reply);

            var checklist = new List<ChecklistOutcome>();
            foreach (var item in Array(r.GetProperty("checklist"), "checklist", reply))
            {
                ExactObject(item, "checklist[]", reply, "item_id", "met");
                checklist.Add(new ChecklistOutcome(String(item.GetProperty("item_id"), "checklist[].item_id", reply), Bool(item.GetProperty("met"), "checklist[].met", reply)));
            }

            var expectedIds = input.Profile.Checklist.Select(c => c.Id).Order(StringComparer.Ordinal);
            Require(checklist.Select(c => c.ItemId).Order(StringComparer.Ordinal).SequenceEqual(expectedIds, StringComparer.Ordinal),
                $"checklist must have exactly the items {string.Join(", ", input.Profile.Checklist.Select(c => c.Id))}", reply);

            var sentimentText = String(r.GetProperty("sentiment"), "sentiment", reply);
            Require(Sentiments.Contains(sentimentText, StringComparer.Ordinal), $"sentiment '{sentimentText}' is not one of {string.Join("|", Sentiments)}", reply);
            var scoreElement = r.GetProperty("sentiment_score");
            Require(scoreElement.ValueKind == JsonValueKind.Number, "sentiment_score is not a number", reply);
            var score = scoreElement.GetDouble();
            Require(score is >= -1 and <= 1, $"sentiment_score {score} is outside -1..1", reply);

            var summary = String(r.GetProperty("summary"), "summary", reply).Trim();
            Require(summary.Length > 0, "summary is empty", reply);

            var text = input.Transcript.Text;
            var evidence = new List<EvidenceQuote>();
            foreach (var e in Array(r.GetProperty("evidence"), "evidence", reply))
            {
                ExactObject(e, "evidence[]", reply, "claim", "quote");
                var quote = String(e.GetProperty("quote"), "evidence[].quote", reply);
                // A quote the transcript does not contain is a hallucination; the dashboard could not highlight it.
                Require(quote.Length > 0 && text.Contains(quote, StringComparison.Ordinal), $"evidence quote '{quote}' is not verbatim in the transcript", reply);
                evidence.Add(new EvidenceQuote(String(e.GetProperty("claim"), "evidence[].claim", reply), quote));
            }

            var items = new List<OfferedItem>();
            if (r.TryGetProperty("offered_items", out var offered) && offered.ValueKind != JsonValueKind.Null)
            {
                foreach (var item in Array(offered, "offered_items", reply))
                {
                    ExactObject(item, "offered_items[]", reply, "item", "category", "reaction");
                    var category = String(item.GetProperty("category"), "offered_items[].category", reply);
                    Require(category == BuiltInProfiles.Other || known.Contains(category), $"offered_items has category '{category}' the profile does not define", reply);
                    var itemReaction = String(item.GetProperty("reaction"), "offered_items[].reaction", reply);
                    Require(ItemReactions.Contains(itemReaction, StringComparer.Ordinal), $"offered_items[].reaction '{itemReaction}' is not one of {string.Join("|", ItemReactions)}", reply);
                    items.Add(new OfferedItem(String(item.GetProperty("item"), "offered_items[].item", reply), category, Enum.Parse<CustomerReaction>(itemReaction, ignoreCase: true)));
                }
            }

            bool? purchase = r.TryGetProperty("purchase", out var p) && p.ValueKind != JsonValueKind.Null ? Bool(p, "purchase", reply) : null;
            var quality = QualityScore.Compute(checklist, upsell, score);
            return new AnalysisResult(upsell, categories, reaction, checklist, Enum.Parse<SentimentLabel>(sentimentText, ignoreCase: true), score, quality, summary, evidence,
                items, null, purchase);
        }
    }

    private static JsonObject Object(params (string Name, string Type)[] properties) => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["required"] = new JsonArray([.. properties.Select(p => (JsonNode)p.Name)]),
        ["properties"] = new JsonObject(properties.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)new JsonObject { ["type"] = p.Type }))),
    };

    private static void ExactObject(JsonElement e, string path, string reply, params string[] properties)
    {
        Require(e.ValueKind == JsonValueKind.Object, $"{path} is not an object", reply);
        var names = e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Require(names.SequenceEqual(properties.Order(StringComparer.Ordinal), StringComparer.Ordinal), $"{path} must have exactly {string.Join(", ", properties)}", reply);
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement e, string path, string reply)
    {
        Require(e.ValueKind == JsonValueKind.Array, $"{path} is not an array", reply);
        return e.EnumerateArray();
    }

    private static string String(JsonElement e, string path, string reply)
    {
        Require(e.ValueKind == JsonValueKind.String, $"{path} is not a string", reply);
        return e.GetString()!;
    }

    private static bool Bool(JsonElement e, string path, string reply)
    {
        Require(e.ValueKind is JsonValueKind.True or JsonValueKind.False, $"{path} is not a boolean", reply);
        return e.GetBoolean();
    }

    private static void Require(bool condition, string problem, string reply)
    {
        if (!condition)
        {
            throw new MalformedReplyException($"LLM reply fails the schema: {problem}", reply);
        }
    }
}
