using Iot.Cloud.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Hosting;

internal sealed class MetricsEndpointOptionsValidator : IValidateOptions<MetricsEndpointOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsEndpointOptions o)
    {
        var s = MetricsEndpointOptions.Section;
        var errors = new List<string>();
        LocalHttpListener.CheckEndpoint(s, o.ListenAddress, o.Port, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
