using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Health;

internal sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions o)
    {
        var errors = new List<string>();
        const string s = HealthOptions.Section;
        if (o.Port is < 1 or > 65535)
        {
            errors.Add($"{s}:Port {o.Port} must be 1..65535");
        }

        if (o.BootGraceSeconds is < 0 or > 600)
        {
            errors.Add($"{s}:BootGraceSeconds {o.BootGraceSeconds} must be 0..600");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
