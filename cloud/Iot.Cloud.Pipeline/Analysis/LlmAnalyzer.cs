using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Iot.Cloud.Pipeline.OpenAi;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>
/// An OpenAI-compatible <c>/v1/chat/completions</c> model asked for a strict <c>json_schema</c> reply. The reply is
/// checked again here (servers differ in how strictly they enforce schemas); anything off is a
/// <see cref="MalformedReplyException"/> carrying the raw reply for the dead-letter record.
/// </summary>
internal sealed class LlmAnalyzer : IAnalyzer, IDisposable
{
    public const string EngineName = "llm";

    private const string Instructions =
        "You review one recorded sales dialogue between a shop assistant and a customer (one speaker-less transcript). " +
        "Decide: whether the assistant offered an additional product or service (upsell) and which of the given categories; " +
        "how the customer reacted to the offer (accepted, declined, undecided; none if nothing was offered); which checklist " +
        "items the assistant met; the customer's overall sentiment with a score from -1 (negative) to 1 (positive); a one-line " +
        "summary in English; every offer the assistant made, in order, as offered_items: the item in the assistant's own words " +
        "(copied character for character), its category (one of the given categories, or 'other') and the customer's reaction " +
        "to it (accepted, declined, undecided); purchase: whether the customer bought, ordered, asked the price of or paid for " +
        "something (an accepted offer counts), with the words that show it as evidence of claim 'purchase'. Every evidence quote " +
        "must be copied character for character from the transcript. " +
        "Claims: upsell, greeting, reaction, sentiment, purchase, checklist:<item id>.";

    private readonly OpenAiEndpoint _endpoint;
    private readonly string _model;

    public LlmAnalyzer(IOptions<AnalysisOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        _model = o.Model ?? "";
        _endpoint = new OpenAiEndpoint(o.BaseUrl ?? "", o.ApiKey, TimeSpan.FromSeconds(o.TimeoutSeconds), time, AnalysisOptions.Section);
    }

    public string Engine => EngineName;

    public async Task<AnalysisResult> AnalyzeAsync(AnalysisInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = new JsonObject
        {
            ["model"] = _model,
            ["temperature"] = 0,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = Instructions },
                new JsonObject { ["role"] = "user", ["content"] = Brief(input).ToJsonString() }),
            ["response_format"] = new JsonObject
            {
                ["type"] = "json_schema",
                ["json_schema"] = new JsonObject { ["name"] = LlmReplySchema.Name, ["strict"] = true, ["schema"] = LlmReplySchema.Schema() },
            },
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        var body = await _endpoint.PostAsync("v1/chat/completions", content, cancellationToken).ConfigureAwait(false);
        return LlmReplySchema.Parse(MessageContent(body), input);
    }

    public void Dispose() => _endpoint.Dispose();

    private static JsonObject Brief(AnalysisInput input)
    {
        var language = input.Transcript.Language;
        var phrases = input.Profile.Languages.TryGetValue(language, out var own) ? own : input.Profile.Languages.GetValueOrDefault("en");
        var categories = new JsonObject();
        foreach (var category in input.Profile.Languages.Values.SelectMany(l => l.UpsellOffers.Keys).Distinct(StringComparer.Ordinal))
        {
            var examples = phrases?.UpsellOffers.GetValueOrDefault(category) ?? [];
            categories[category] = new JsonArray([.. examples.Take(5).Select(e => (JsonNode)e)]);
        }

        return new JsonObject
        {
            ["language"] = language,
            ["offer_categories_with_example_phrases"] = categories,
            ["checklist"] = new JsonArray([.. input.Profile.Checklist.Select(c => (JsonNode)new JsonObject { ["item_id"] = c.Id, ["title"] = c.Title })]),
            ["transcript"] = input.Transcript.Text,
        };
    }

    internal static string MessageContent(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var message = doc.RootElement.GetProperty("choices")[0].GetProperty("message");
            if (message.TryGetProperty("refusal", out var refusal) && refusal.ValueKind == JsonValueKind.String)
            {
                throw new MalformedReplyException($"the model refused: {refusal.GetString()}", body);
            }

            var content = message.GetProperty("content");
            return content.ValueKind == JsonValueKind.String
                ? content.GetString()!
                : throw new MalformedReplyException("chat completion has no text content", body);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new MalformedReplyException($"not a chat completion: {e.Message}", body, e);
        }
    }
}
