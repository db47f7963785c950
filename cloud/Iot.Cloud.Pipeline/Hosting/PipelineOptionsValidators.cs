using Iot.Cloud.Pipeline.Dialogues;
using Iot.Cloud.Pipeline.Retention;
using Iot.Cloud.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Hosting;

/// <summary>Start-up checks whose messages start with the full key, so a bad file can be fixed without reading code.</summary>
internal sealed class DialogueOptionsValidator : IValidateOptions<DialogueOptions>
{
    public ValidateOptionsResult Validate(string? name, DialogueOptions o)
    {
        const string s = DialogueOptions.Section;
        var errors = new List<string>();
        if (o.GapSeconds is < 1 or > 3600)
        {
            errors.Add($"{s}:GapSeconds {o.GapSeconds} must be 1..3600");
        }

        if (o.MaxDialogueMinutes is < 1 or > 240)
        {
            errors.Add($"{s}:MaxDialogueMinutes {o.MaxDialogueMinutes} must be 1..240");
        }

        if (o.CloseGraceSeconds is < 0 or > 86400)
        {
            errors.Add($"{s}:CloseGraceSeconds {o.CloseGraceSeconds} must be 0..86400");
        }

        if (o.PaddingMs is < 0 or > 2000)
        {
            errors.Add($"{s}:PaddingMs {o.PaddingMs} must be 0..2000");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions o)
    {
        const string s = RetentionOptions.Section;
        var errors = new List<string>();
        if (o.AudioRetentionDays is < 1 or > 3650)
        {
            errors.Add($"{s}:AudioRetentionDays {o.AudioRetentionDays} must be 1..3650");
        }

        if (o.SchedulerCheckMinutes is < 1 or > 1440)
        {
            errors.Add($"{s}:SchedulerCheckMinutes {o.SchedulerCheckMinutes} must be 1..1440");
        }

        if (o.BatchSize is < 1 or > 10000)
        {
            errors.Add($"{s}:BatchSize {o.BatchSize} must be 1..10000");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class PipelineStorageOptionsValidator : IValidateOptions<PipelineStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineStorageOptions o) =>
        string.IsNullOrWhiteSpace(o.Root) || !Path.IsPathFullyQualified(o.Root)
            ? ValidateOptionsResult.Fail($"{PipelineStorageOptions.Section}:Root '{o.Root}' must be an absolute path (the bridge's Storage:Root)")
            : ValidateOptionsResult.Success;
}
