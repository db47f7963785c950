using Iot.Protocol.Topics;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Provisioning;

internal sealed class ProvisioningOptionsValidator : IValidateOptions<ProvisioningOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvisioningOptions o)
    {
        var errors = new List<string>();
        const string s = ProvisioningOptions.Section;
        if (!string.IsNullOrEmpty(o.Serial) && !TopicTree.IsValidId(o.Serial))
        {
            errors.Add($"{s}:Serial '{o.Serial}' must be 1-64 of [a-z0-9_-]");
        }

        if (string.IsNullOrWhiteSpace(o.Model))
        {
            errors.Add($"{s}:Model must be set");
        }

        Check(o.ResponseTimeoutSeconds, nameof(o.ResponseTimeoutSeconds));
        Check(o.RetrySeconds, nameof(o.RetrySeconds));
        Check(o.InvalidRetrySeconds, nameof(o.InvalidRetrySeconds));
        Check(o.RejectedRetrySeconds, nameof(o.RejectedRetrySeconds));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Check(double value, string key)
        {
            if (value is < 0.05 or > 7 * 86_400)
            {
                errors.Add($"{s}:{key} {value} must be 0.05..604800");
            }
        }
    }
}
