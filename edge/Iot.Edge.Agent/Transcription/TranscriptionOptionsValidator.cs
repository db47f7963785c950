using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Transcription;

/// <summary>
/// Checks what can be checked without loading the model. Whether the file really is a Whisper model is only known
/// once whisper.cpp has read it, which <see cref="WhisperTranscriber.Load"/> reports under the same key.
/// </summary>
internal sealed class TranscriptionOptionsValidator : IValidateOptions<TranscriptionOptions>
{
    public ValidateOptionsResult Validate(string? name, TranscriptionOptions o)
    {
        var errors = new List<string>();
        const string s = TranscriptionOptions.Section;
        if (o.Enabled)
        {
            if (string.IsNullOrWhiteSpace(o.ModelPath))
            {
                errors.Add($"{s}:ModelPath must be set when {s}:Enabled is true");
            }
            else if (!File.Exists(o.ModelPath))
            {
                errors.Add($"{s}:ModelPath '{o.ModelPath}' does not exist; fetch a model with edge/scripts/download-whisper-model.sh");
            }
        }

        if (!IsLanguageSetting(o.Language))
        {
            errors.Add($"{s}:Language '{o.Language}' must be 'auto' or a Whisper language code such as 'en'");
        }

        if (Iot.Protocol.Messages.SpokenLanguageCodes.Check(o.CandidateLanguages, $"{s}:CandidateLanguages") is { } candidates)
        {
            errors.Add(candidates);
        }

        if (o.Threads is < 1 or > 64)
        {
            errors.Add($"{s}:Threads {o.Threads} must be 1..64");
        }

        if (o.QueueCapacity is < 1 or > 1000)
        {
            errors.Add($"{s}:QueueCapacity {o.QueueCapacity} must be 1..1000");
        }

        if (o.MaxAudioSeconds is < 1 or > 3600)
        {
            errors.Add($"{s}:MaxAudioSeconds {o.MaxAudioSeconds} must be 1..3600");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool IsLanguageSetting(string? language) =>
        language == "auto" || language is { Length: 2 or 3 } && language.All(char.IsAsciiLetterLower);
}
