using Iot.Cloud.Pipeline.Dialogues;
using Iot.Cloud.Pipeline.Retention;
using Iot.Cloud.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Hosting;

/// <summary>Start-up checks whose messages start with the full key, so a bad file can be fixed without reading code.</summary>
internal sealed class DialogueOptionsValidator : IValidateOptions<DialogueOptions>
{
    public ValidateOptionsResult Validate(string? name, DialogueOptions o) => OptionRanges.Check(
        DialogueOptions.Section,
        (nameof(o.GapSeconds), o.GapSeconds, 1, 3600),
        (nameof(o.MaxDialogueMinutes), o.MaxDialogueMinutes, 1, 240),
        (nameof(o.CloseGraceSeconds), o.CloseGraceSeconds, 0, 86400),
        (nameof(o.PaddingMs), o.PaddingMs, 0, 2000));
}

internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions o) => OptionRanges.Check(
        RetentionOptions.Section,
        (nameof(o.AudioRetentionDays), o.AudioRetentionDays, 1, 3650),
        (nameof(o.SchedulerCheckMinutes), o.SchedulerCheckMinutes, 1, 1440),
        (nameof(o.BatchSize), o.BatchSize, 1, 10000),
        (nameof(o.PartitionMonths), o.PartitionMonths, 0, 1200),
        (nameof(o.PartitionMonthsAhead), o.PartitionMonthsAhead, 1, 24),
        (nameof(o.OrphanSweepDays), o.OrphanSweepDays, 0, 366),
        (nameof(o.OrphanGraceMinutes), o.OrphanGraceMinutes, 5, 10080));
}

internal sealed class PipelineStorageOptionsValidator : IValidateOptions<PipelineStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineStorageOptions o) =>
        o.Kind == Iot.Cloud.Storage.AudioStoreKind.Local && (string.IsNullOrWhiteSpace(o.Root) || !Path.IsPathFullyQualified(o.Root))
            ? ValidateOptionsResult.Fail($"{PipelineStorageOptions.Section}:Root '{o.Root}' must be an absolute path (the bridge's Storage:Root)")
            : ValidateOptionsResult.Success;
}

internal static class OptionRanges
{
    public static ValidateOptionsResult Check(string section, params (string Key, int Value, int Min, int Max)[] ranges)
    {
        var errors = ranges
            .Where(r => r.Value < r.Min || r.Value > r.Max)
            .Select(r => $"{section}:{r.Key} {r.Value} must be {r.Min}..{r.Max}")
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
