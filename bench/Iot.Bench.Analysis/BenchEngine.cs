using System.Globalization;
using System.Text.Json.Nodes;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Analysis.Hybrid;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Iot.Bench.Analysis;

/// <summary>
/// The analyzer the bench measures: <c>rules</c>, <c>llm</c> or <c>hybrid</c>. The LLM engines talk to
/// <c>--llm-endpoint</c> (an OpenAI-compatible server; key from <c>--llm-key-file</c> or IOT_BENCH_LLM_KEY, never the
/// command line) or, without one, to the tests' fake OpenAI server started in-process. Against the fake the figures
/// measure plumbing (requests, schema, verification, merge, fallback), not quality: it confirms every hybrid
/// candidate with the whole utterance as the item, so the hybrid upsell recall there is the ceiling the rules'
/// pre-selection leaves a real model, and it answers the full-LLM engine with "no offer" for every dialogue.
/// </summary>
internal sealed class BenchEngine : IAsyncDisposable
{
    private readonly FakeOpenAiServer? _fake;
    private readonly IDisposable? _owned;

    private BenchEngine(IAnalyzer analyzer, string description, FakeOpenAiServer? fake, IDisposable? owned, HybridMetrics? hybridMetrics, PipelineMetrics? pipelineMetrics = null)
    {
        Analyzer = analyzer;
        PipelineMetrics = pipelineMetrics ?? new PipelineMetrics();
        Description = description;
        _fake = fake;
        _owned = owned;
        HybridMetrics = hybridMetrics;
    }

    public IAnalyzer Analyzer { get; }

    public string Description { get; }

    public bool Fake => _fake is not null;

    public HybridMetrics? HybridMetrics { get; }

    public PipelineMetrics PipelineMetrics { get; }

    public int Requests => _fake?.Requests.Count ?? 0;

    public long RequestChars => _fake?.Requests.Sum(r => (long)r.Body.Length) ?? 0;

    public static BenchEngine Create(string engine, string? endpoint, string? model, string? keyFile)
    {
        if (engine == RuleAnalyzer.EngineName)
        {
            return new BenchEngine(new RuleAnalyzer(), RuleAnalyzer.EngineVersion, null, null, null);
        }

        var key = keyFile is not null ? File.ReadAllText(keyFile).Trim() : Environment.GetEnvironmentVariable("IOT_BENCH_LLM_KEY");
        FakeOpenAiServer? fake = null;
        if (endpoint is null)
        {
            fake = new FakeOpenAiServer { ChatResponder = engine == HybridAnalyzer.EngineName ? ConfirmEveryCandidate : NoOfferFullAnalysis };
            endpoint = fake.Mode("good");
            model ??= "fake-plumbing";
        }

        var options = Options.Create(new AnalysisOptions { Engine = engine, BaseUrl = endpoint, Model = model ?? "", ApiKey = key, TimeoutSeconds = 120 });
        var where = fake is null ? $"{endpoint}, model {model}" : $"the in-process FAKE OpenAI server ({endpoint}): figures measure plumbing, NOT quality";
        if (engine == HybridAnalyzer.EngineName)
        {
            var metrics = new HybridMetrics();
            var pipelineMetrics = new PipelineMetrics();
            var hybrid = new HybridAnalyzer(options, TimeProvider.System, pipelineMetrics, metrics, NullLogger<HybridAnalyzer>.Instance);
            return new BenchEngine(hybrid, $"{hybrid.EngineVersion} via {where}", fake, hybrid, metrics, pipelineMetrics);
        }

        var llm = new LlmAnalyzer(options, TimeProvider.System);
        return new BenchEngine(llm, $"llm ({model}) via {where}", fake, llm, null);
    }

    public async ValueTask DisposeAsync()
    {
        _owned?.Dispose();
        HybridMetrics?.Dispose();
        PipelineMetrics.Dispose();
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }
    }

    /// <summary>The fake's hybrid answer: every candidate is an offer of its whole (sent) utterance, category other, reaction undecided.</summary>
    private static string ConfirmEveryCandidate(string body)
    {
        var user = JsonNode.Parse(JsonNode.Parse(body)!["messages"]![1]!["content"]!.GetValue<string>())!;
        var answers = new JsonArray();
        foreach (var c in user["candidates"]!.AsArray())
        {
            answers.Add(new JsonObject
            {
                ["id"] = c!["id"]!.GetValue<string>(),
                ["is_offer"] = true,
                ["item"] = c["utterance"]!.GetValue<string>(),
                ["category"] = BuiltInProfiles.Other,
                ["reaction"] = "undecided",
                ["reaction_quote"] = "",
            });
        }

        return new JsonObject { ["candidates"] = answers }.ToJsonString();
    }

    /// <summary>The fake's full-analysis answer: schema-valid, no offer, every checklist item unmet, neutral.</summary>
    private static string NoOfferFullAnalysis(string body)
    {
        var user = JsonNode.Parse(JsonNode.Parse(body)!["messages"]![1]!["content"]!.GetValue<string>())!;
        var checklist = new JsonArray([.. user["checklist"]!.AsArray().Select(i => (JsonNode)new JsonObject { ["item_id"] = i!["item_id"]!.GetValue<string>(), ["met"] = false })]);
        return new JsonObject
        {
            ["upsell_attempted"] = false,
            ["offered_categories"] = new JsonArray(),
            ["customer_reaction"] = "none",
            ["checklist"] = checklist,
            ["sentiment"] = "neutral",
            ["sentiment_score"] = 0,
            ["summary"] = "fake server: no analysis",
            ["evidence"] = new JsonArray(),
        }.ToJsonString();
    }

    public string Report(int dialogues, int failures)
    {
        var lines = new List<string>();
        if (Fake)
        {
            lines.Add("NOTE: the LLM was the in-process FAKE OpenAI server; these figures check plumbing (requests, schema, evidence verification, merge, fallback), not what a real model would reach.");
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"LLM requests: {Requests} ({(Requests == 0 ? 0 : RequestChars / Requests)} characters on average), analyses {dialogues}, engine errors {failures}, quotes dropped inside the engine {PipelineMetrics.DroppedQuotesTotal}"));
        if (HybridMetrics is { } h)
        {
            lines.Add($"hybrid: candidates sent {h.CandidatesTotal}, confirmed {h.ConfirmedTotal}, rules fallbacks {h.FallbacksTotal}");
        }

        return string.Join(Environment.NewLine, lines);
    }
}
