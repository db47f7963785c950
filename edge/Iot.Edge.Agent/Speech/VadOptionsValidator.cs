using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Speech;

/// <summary>
/// Start-up checks naming the key at fault. A model that is configured but unusable stops the agent here rather than
/// at the first chunk; a model that is simply absent is fine for <c>auto</c>, which falls back to energy.
/// </summary>
public sealed class VadOptionsValidator : IValidateOptions<VadOptions>
{
    public ValidateOptionsResult Validate(string? name, VadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string s = VadOptions.Section;
        if (options.Engine is not ("auto" or "silero" or "energy"))
        {
            errors.Add($"{s}:Engine '{options.Engine}' must be auto, silero or energy");
        }

        if (options.Runtime is not ("managed" or "onnxruntime"))
        {
            errors.Add($"{s}:Runtime '{options.Runtime}' must be managed or onnxruntime");
        }

        if (options.Threshold is <= 0 or >= 1 || float.IsNaN(options.Threshold))
        {
            errors.Add($"{s}:Threshold {options.Threshold} must be between 0 and 1 (exclusive)");
        }
        else if (options.ExitThreshold is { } exit && (exit <= 0 || exit > options.Threshold || float.IsNaN(exit)))
        {
            errors.Add($"{s}:ExitThreshold {exit} must be above 0 and at most {s}:Threshold ({options.Threshold})");
        }

        if (options.MinSpeechMs is < 0 or > 10_000)
        {
            errors.Add($"{s}:MinSpeechMs {options.MinSpeechMs} must be 0..10000");
        }

        if (options.MinSilenceMs is < 0 or > 10_000)
        {
            errors.Add($"{s}:MinSilenceMs {options.MinSilenceMs} must be 0..10000");
        }

        if (options.PaddingMs is < 0 or > 5_000)
        {
            errors.Add($"{s}:PaddingMs {options.PaddingMs} must be 0..5000");
        }

        if (ModelProblem(options) is { } problem)
        {
            errors.Add($"{s}:ModelPath '{options.ModelPath}' {problem}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string? ModelProblem(VadOptions options)
    {
        if (options.Engine == "energy" || string.IsNullOrWhiteSpace(options.ModelPath) && options.Engine == "auto")
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            return "must be set when Vad:Engine is silero";
        }

        var path = options.ResolvedModelPath;
        if (!File.Exists(path))
        {
            return options.Engine == "silero" ? $"does not exist ({path}); run edge/scripts/fetch-vad-model.sh" : null;
        }

        try
        {
            SpeechDetectorFactory.OpenSilero(path, options.Runtime).Dispose();
            return null;
        }
        catch (VadModelException ex)
        {
            return $"is unusable: {ex.Message}";
        }
    }
}
