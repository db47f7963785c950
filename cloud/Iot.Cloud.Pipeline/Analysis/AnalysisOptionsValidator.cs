using Iot.Cloud.Pipeline.Transcription;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Analysis;

internal sealed class AnalysisOptionsValidator : IValidateOptions<AnalysisOptions>
{
    public static readonly string[] Engines = [RuleAnalyzer.EngineName, LlmAnalyzer.EngineName, Hybrid.HybridAnalyzer.EngineName];

    public ValidateOptionsResult Validate(string? name, AnalysisOptions o)
    {
        var errors = new List<string>();
        const string s = AnalysisOptions.Section;
        if (!Engines.Contains(o.Engine, StringComparer.Ordinal))
        {
            errors.Add($"{s}:Engine '{o.Engine}' must be one of: {string.Join(", ", Engines)}");
        }

        if (o.Engine is LlmAnalyzer.EngineName or Hybrid.HybridAnalyzer.EngineName)
        {
            if (!TranscriptionOptionsValidator.IsHttpUrl(o.BaseUrl))
            {
                errors.Add($"{s}:BaseUrl '{o.BaseUrl}' must be an absolute http(s) URL such as https://api.openai.com when {s}:Engine is '{o.Engine}'");
            }

            if (string.IsNullOrWhiteSpace(o.Model))
            {
                errors.Add($"{s}:Model must be set when {s}:Engine is '{o.Engine}'");
            }
        }

        if (o.Engine == Hybrid.HybridAnalyzer.EngineName)
        {
            Hybrid.HybridOptions.Validate(o.Hybrid, $"{s}:Hybrid", errors);
        }

        if (o.TimeoutSeconds is < 1 or > 3600)
        {
            errors.Add($"{s}:TimeoutSeconds {o.TimeoutSeconds} must be 1..3600");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
