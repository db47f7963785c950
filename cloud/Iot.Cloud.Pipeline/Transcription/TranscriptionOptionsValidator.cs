using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>
/// Checks settings that are wrong whatever the machine has installed. A missing model or program is not an error
/// here: the engine reports it per job as <see cref="TranscriberUnavailableException"/>, so jobs wait until it is installed.
/// </summary>
internal sealed class TranscriptionOptionsValidator : IValidateOptions<TranscriptionOptions>
{
    public static readonly string[] Engines = [TranscriptionOptions.None, WhisperNetTranscriber.EngineName, OpenAiTranscriber.EngineName, PocketSphinxTranscriber.EngineName];

    public ValidateOptionsResult Validate(string? name, TranscriptionOptions o)
    {
        var errors = new List<string>();
        const string s = TranscriptionOptions.Section;
        if (!Engines.Contains(o.Engine, StringComparer.Ordinal))
        {
            errors.Add($"{s}:Engine '{o.Engine}' must be one of: {string.Join(", ", Engines)}");
        }

        if (o.LowConfidenceBelow is < 0 or > 1 || double.IsNaN(o.LowConfidenceBelow))
        {
            errors.Add($"{s}:LowConfidenceBelow {o.LowConfidenceBelow} must be 0..1 (0 = never flag)");
        }

        switch (o.Engine)
        {
            case WhisperNetTranscriber.EngineName:
                if (string.IsNullOrWhiteSpace(o.Whisper.ModelPath))
                {
                    errors.Add($"{s}:Whisper:ModelPath must be set when {s}:Engine is 'whisper'");
                }

                if (!IsLanguageSetting(o.Whisper.Language))
                {
                    errors.Add($"{s}:Whisper:Language '{o.Whisper.Language}' must be 'auto' or a language code such as 'en'");
                }

                if (o.Whisper.Threads is < 1 or > 64)
                {
                    errors.Add($"{s}:Whisper:Threads {o.Whisper.Threads} must be 1..64");
                }

                if (o.Whisper.PromptMaxTokens is < 1 or > Biasing.WhisperPrompt.MaxTokens)
                {
                    errors.Add($"{s}:Whisper:PromptMaxTokens {o.Whisper.PromptMaxTokens} must be 1..{Biasing.WhisperPrompt.MaxTokens}");
                }

                break;
            case OpenAiTranscriber.EngineName:
                if (!IsHttpUrl(o.OpenAi.BaseUrl))
                {
                    errors.Add($"{s}:OpenAi:BaseUrl '{o.OpenAi.BaseUrl}' must be an absolute http(s) URL such as https://api.openai.com");
                }

                if (string.IsNullOrWhiteSpace(o.OpenAi.Model))
                {
                    errors.Add($"{s}:OpenAi:Model must be set");
                }

                if (o.OpenAi.TimeoutSeconds is < 1 or > 3600)
                {
                    errors.Add($"{s}:OpenAi:TimeoutSeconds {o.OpenAi.TimeoutSeconds} must be 1..3600");
                }

                break;
            case PocketSphinxTranscriber.EngineName:
                if (string.IsNullOrWhiteSpace(o.PocketSphinx.Executable))
                {
                    errors.Add($"{s}:PocketSphinx:Executable must be set");
                }

                if (string.IsNullOrWhiteSpace(o.PocketSphinx.ModelDirectory))
                {
                    errors.Add($"{s}:PocketSphinx:ModelDirectory must be set");
                }

                if (o.PocketSphinx.TimeoutSeconds is < 1 or > 86400)
                {
                    errors.Add($"{s}:PocketSphinx:TimeoutSeconds {o.PocketSphinx.TimeoutSeconds} must be 1..86400");
                }

                Biasing.DomainLanguageModel.Validate(o.PocketSphinx.DomainLm, $"{s}:PocketSphinx:DomainLm", errors);

                break;
        }

        if (o.ProfileCacheSeconds is < 1 or > 86400)
        {
            errors.Add($"{s}:ProfileCacheSeconds {o.ProfileCacheSeconds} must be 1..86400");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool IsLanguageSetting(string? language) =>
        language == "auto" || language is { Length: 2 or 3 } && language.All(char.IsAsciiLetterLower);

    internal static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
