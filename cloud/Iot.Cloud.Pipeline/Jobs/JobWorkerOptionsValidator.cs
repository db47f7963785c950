using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>Start-up checks that name the key at fault; a listed kind nobody handles is a typo, not a wish.</summary>
public sealed partial class JobWorkerOptionsValidator(IEnumerable<IJobHandler> handlers) : IValidateOptions<JobWorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, JobWorkerOptions o)
    {
        var errors = new List<string>();
        const string s = JobWorkerOptions.Section;
        if (o.Concurrency is < 1 or > 256)
        {
            errors.Add($"{s}:Concurrency {o.Concurrency} must be 1..256");
        }

        if (o.ResumeWaitingMinutes is < 0 or > 10_080 || double.IsNaN(o.ResumeWaitingMinutes))
        {
            errors.Add($"{s}:ResumeWaitingMinutes {o.ResumeWaitingMinutes} must be 0..10080 (0 = off)");
        }

        if (o.LeaseSeconds is < 1 or > 86_400)
        {
            errors.Add($"{s}:LeaseSeconds {o.LeaseSeconds} must be 1..86400");
        }

        if (!(o.PollSeconds is >= 0.05 and <= 86_400))
        {
            errors.Add($"{s}:PollSeconds {o.PollSeconds} must be 0.05..86400");
        }

        if (!WorkerIdPattern().IsMatch(o.WorkerId ?? ""))
        {
            errors.Add($"{s}:WorkerId '{o.WorkerId}' must be 1-128 of [A-Za-z0-9._:-]");
        }

        if (!(o.RetryBaseSeconds is > 0 and <= 86_400))
        {
            errors.Add($"{s}:RetryBaseSeconds {o.RetryBaseSeconds} must be >0 and <=86400");
        }

        if (!(o.RetryMaxSeconds >= o.RetryBaseSeconds && o.RetryMaxSeconds <= 7 * 86_400))
        {
            errors.Add($"{s}:RetryMaxSeconds {o.RetryMaxSeconds} must be between RetryBaseSeconds and 604800");
        }

        if (!(o.DrainSeconds is >= 0 and <= 3600))
        {
            errors.Add($"{s}:DrainSeconds {o.DrainSeconds} must be 0..3600");
        }

        if (o.MetricsLogSeconds is < 0 or > 86_400)
        {
            errors.Add($"{s}:MetricsLogSeconds {o.MetricsLogSeconds} must be 0..86400");
        }

        var handled = handlers.Select(h => h.Kind).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < o.Kinds.Count; i++)
        {
            var kind = o.Kinds[i];
            if (kind != "*" && !handled.Contains(kind))
            {
                errors.Add($"{s}:Kinds:{i} '{kind}' has no registered handler (handlers: {(handled.Count == 0 ? "none" : string.Join(", ", handled.Order(StringComparer.Ordinal)))})");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex WorkerIdPattern();
}
