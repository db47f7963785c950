using System.Text.Json;
using System.Text.Json.Nodes;

namespace Iot.Cloud.Pipeline.Analysis.Hybrid;

/// <summary>The model's verdict on one candidate, as it answered (quotes not yet verified).</summary>
internal sealed record CandidateVerdict(string Id, bool IsOffer, string Item, string Category, CustomerReaction Reaction, string ReactionQuote);

/// <summary>
/// The JSON the hybrid engine asks for (a strict <c>json_schema</c>) and its check. Structure is strict: every sent
/// candidate id answered exactly once, nothing else, known reaction values; anything off is a
/// <see cref="MalformedReplyException"/>, which makes the dialogue fall back to the rules. What a schema cannot
/// check (quotes verbatim, categories of the profile) is judged per candidate by the merge, which drops a bad quote
/// rather than the whole answer.
/// </summary>
internal static class HybridReply
{
    public const string Name = "offer_candidates";

    private static readonly string[] Properties = ["id", "is_offer", "item", "category", "reaction", "reaction_quote"];
    private static readonly string[] Reactions = ["accepted", "declined", "undecided", "none"];

    public static JsonObject Schema() => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["required"] = new JsonArray("candidates"),
        ["properties"] = new JsonObject
        {
            ["candidates"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["required"] = new JsonArray([.. Properties.Select(p => (JsonNode)p)]),
                    ["properties"] = new JsonObject
                    {
                        ["id"] = new JsonObject { ["type"] = "string" },
                        ["is_offer"] = new JsonObject { ["type"] = "boolean" },
                        ["item"] = new JsonObject { ["type"] = "string" },
                        ["category"] = new JsonObject { ["type"] = "string" },
                        ["reaction"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. Reactions.Select(r => (JsonNode)r)]) },
                        ["reaction_quote"] = new JsonObject { ["type"] = "string" },
                    },
                },
            },
        },
    };

    /// <exception cref="MalformedReplyException">Not JSON, or not an answer to exactly the candidates sent.</exception>
    public static Dictionary<string, CandidateVerdict> Parse(string reply, IReadOnlyCollection<string> ids)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(reply);
        }
        catch (JsonException e)
        {
            throw new MalformedReplyException($"hybrid LLM reply is not JSON: {e.Message}", reply, e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            Require(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("candidates", out var list) && list.ValueKind == JsonValueKind.Array,
                "the reply must be an object with a 'candidates' array", reply);
            var verdicts = new Dictionary<string, CandidateVerdict>(StringComparer.Ordinal);
            foreach (var e in root.GetProperty("candidates").EnumerateArray())
            {
                Require(e.ValueKind == JsonValueKind.Object, "candidates[] is not an object", reply);
                var names = e.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
                Require(names.SequenceEqual(Properties.Order(StringComparer.Ordinal), StringComparer.Ordinal), $"candidates[] must have exactly {string.Join(", ", Properties)}", reply);
                var id = String(e, "id", reply);
                Require(ids.Contains(id), $"candidate id '{id}' was not sent", reply);
                var reaction = String(e, "reaction", reply);
                Require(Reactions.Contains(reaction, StringComparer.Ordinal), $"reaction '{reaction}' is not one of {string.Join("|", Reactions)}", reply);
                var isOffer = e.GetProperty("is_offer");
                Require(isOffer.ValueKind is JsonValueKind.True or JsonValueKind.False, "is_offer is not a boolean", reply);
                var verdict = new CandidateVerdict(id, isOffer.GetBoolean(), String(e, "item", reply), String(e, "category", reply),
                    Enum.Parse<CustomerReaction>(reaction, ignoreCase: true), String(e, "reaction_quote", reply));
                Require(verdicts.TryAdd(id, verdict), $"candidate id '{id}' is answered twice", reply);
            }

            var missing = ids.Where(i => !verdicts.ContainsKey(i)).ToList();
            Require(missing.Count == 0, $"no answer for candidate(s) {string.Join(", ", missing)}", reply);
            return verdicts;
        }
    }

    private static string String(JsonElement e, string name, string reply)
    {
        var v = e.GetProperty(name);
        Require(v.ValueKind == JsonValueKind.String, $"{name} is not a string", reply);
        return v.GetString()!;
    }

    private static void Require(bool condition, string problem, string reply)
    {
        if (!condition)
        {
            throw new MalformedReplyException($"hybrid LLM reply fails the schema: {problem}", reply);
        }
    }
}
