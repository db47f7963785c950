using Iot.Protocol.Topics;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Provisioning;

internal sealed class ProvisioningOptionsValidator(IOptions<Hosting.MqttOptions> mqtt) : IValidateOptions<ProvisioningOptions>
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
        CheckClaimTransport(o, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Check(double value, string key)
        {
            if (value is < 0.05 or > 7 * 86_400)
            {
                errors.Add($"{s}:{key} {value} must be 0.05..604800");
            }
        }
    }

    /// <summary>
    /// A claim already in place that would send its secret in plain text off this machine stops the start. A missing or
    /// unreadable claim is not an error here: the installer may place it later, and the agent reports it as a fault.
    /// </summary>
    private void CheckClaimTransport(ProvisioningOptions o, List<string> errors)
    {
        if (!o.Enabled)
        {
            return;
        }

        ClaimFile? claim;
        try
        {
            claim = ClaimFile.Load(o.ClaimPath!);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return;
        }

        if (claim is not null && Uplink.MqttTls.PlaintextRefusal(mqtt.Value, claim.Endpoint.Host, claim.CaCertificate) is { } refusal)
        {
            errors.Add($"{ProvisioningOptions.Section}:ClaimPath {o.ClaimPath} (broker {claim.Broker}): {refusal}");
        }
    }
}
