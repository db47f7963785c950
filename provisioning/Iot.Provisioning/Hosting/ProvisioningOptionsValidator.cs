using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Hosting;

internal sealed class ProvisioningOptionsValidator : IValidateOptions<ProvisioningOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvisioningOptions o)
    {
        const string s = ProvisioningOptions.Section;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.BrokerHost))
        {
            errors.Add($"{s}:BrokerHost must be set (or Broker:Host in External mode)");
        }

        if (o.BrokerPort is < 1 or > 65535)
        {
            errors.Add($"{s}:BrokerPort {o.BrokerPort} must be 1..65535");
        }

        if (string.IsNullOrWhiteSpace(o.Username))
        {
            errors.Add($"{s}:Username must be set");
        }

        if (string.IsNullOrWhiteSpace(o.ClientId))
        {
            errors.Add($"{s}:ClientId must be set");
        }

        if (!Iot.Protocol.Topics.TopicTree.IsValidId(o.SharedGroup))
        {
            errors.Add($"{s}:SharedGroup '{o.SharedGroup}' must be 1-64 of [a-z0-9_-]");
        }

        Range(errors, $"{s}:PendingRetrySeconds", o.PendingRetrySeconds, 1, 86_400);
        Range(errors, $"{s}:RejectedRetrySeconds", o.RejectedRetrySeconds, 1, 604_800);
        Range(errors, $"{s}:ReplayWindowMinutes", o.ReplayWindowMinutes, 1, 1440);
        Range(errors, $"{s}:FleetSummarySeconds", o.FleetSummarySeconds, 1, 3600);
        Range(errors, $"{s}:CommandSweepSeconds", o.CommandSweepSeconds, 1, 3600);
        Range(errors, $"{s}:InboxCapacity", o.InboxCapacity, 16, 1_000_000);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} {value} must be {min}..{max}");
        }
    }
}
