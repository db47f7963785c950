using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.HomeAssistant;

internal sealed class HomeAssistantOptionsValidator : IValidateOptions<HomeAssistantOptions>
{
    public ValidateOptionsResult Validate(string? name, HomeAssistantOptions o) =>
        string.IsNullOrWhiteSpace(o.Prefix) || o.Prefix.IndexOfAny(['+', '#']) >= 0 || o.Prefix.StartsWith('/') || o.Prefix.EndsWith('/')
            ? ValidateOptionsResult.Fail($"{HomeAssistantOptions.Section}:Prefix '{o.Prefix}' must be a topic prefix without wildcards or leading/trailing '/'")
            : ValidateOptionsResult.Success;
}
