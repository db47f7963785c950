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

        for (var i = 0; i < o.EventsAllowedOrigins.Length; i++)
        {
            if (!Uri.TryCreate(o.EventsAllowedOrigins[i], UriKind.Absolute, out var origin) || origin.AbsolutePath != "/" || origin.Scheme is not ("http" or "https"))
            {
                errors.Add($"{s}:EventsAllowedOrigins:{i} '{o.EventsAllowedOrigins[i]}' must be an origin such as https://desk.example (scheme, host, optional port)");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
