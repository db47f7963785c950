namespace Iot.Cloud.Pipeline.Analysis;

/// <summary>Section <c>Pipeline:Analysis</c>: the rule engine (default, offline) or an OpenAI-compatible chat model.</summary>
public sealed class AnalysisOptions
{
    public const string Section = "Pipeline:Analysis";

    /// <summary><c>rules</c>, <c>llm</c> or <c>hybrid</c> (rules pre-select candidate offer turns, the LLM confirms them).</summary>
    public string Engine { get; set; } = RuleAnalyzer.EngineName;

    /// <summary>LLM server root without <c>/v1</c>, e.g. <c>https://api.openai.com</c> or a local llama.cpp/vLLM server.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>A model that supports <c>response_format: json_schema</c> with <c>strict</c>.</summary>
    public string? Model { get; set; }

    public string? ApiKey { get; set; }

    public int TimeoutSeconds { get; set; } = 120;

    /// <summary><c>Pipeline:Analysis:Hybrid</c>: bounds of what the hybrid engine sends to the model.</summary>
    public Hybrid.HybridOptions Hybrid { get; set; } = new();
}
