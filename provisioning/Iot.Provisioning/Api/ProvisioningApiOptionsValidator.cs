using System.Net;
using Iot.Protocol.Topics;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Api;

internal sealed class ProvisioningApiOptionsValidator : IValidateOptions<ProvisioningApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvisioningApiOptions o)
    {
        const string s = ProvisioningApiOptions.Section;
        var errors = new List<string>();
        if (!o.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        if (!IPAddress.TryParse(o.ListenAddress, out _))
        {
            errors.Add($"{s}:ListenAddress '{o.ListenAddress}' is not an IP address");
        }

        if (o.Port is < 0 or > 65535)
        {
            errors.Add($"{s}:Port {o.Port} must be 0..65535");
        }

        if (o.Callers.Count == 0 && string.IsNullOrWhiteSpace(o.TokenFile))
        {
            errors.Add($"{s}:TokenFile must be set when {s}:Callers is empty (the minted local token is written there)");
        }

        foreach (var (caller, c) in o.Callers)
        {
            if (!TopicTree.IsValidId(caller))
            {
                errors.Add($"{s}:Callers:{caller} name must be 1-64 of [a-z0-9_-]");
            }

            if (c.TokenSha256.Length != 64 || !c.TokenSha256.All(Uri.IsHexDigit))
            {
                errors.Add($"{s}:Callers:{caller}:TokenSha256 must be 64 hex digits (the SHA-256 of the token, never the token)");
            }

            if (c.Tenant != ApiCaller.AnyTenant && !TopicTree.IsValidId(c.Tenant))
            {
                errors.Add($"{s}:Callers:{caller}:Tenant '{c.Tenant}' must be '*' or a tenant id (1-64 of [a-z0-9_-])");
            }
        }

        var duplicates = o.Callers.GroupBy(c => c.Value.TokenSha256, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).SelectMany(g => g.Select(c => c.Key));
        foreach (var caller in duplicates)
        {
            errors.Add($"{s}:Callers:{caller}:TokenSha256 is shared with another caller; give each caller its own token");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
