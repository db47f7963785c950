using System.Net;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Hosting;

internal sealed class MetricsEndpointOptionsValidator : IValidateOptions<MetricsEndpointOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsEndpointOptions o)
    {
        var s = MetricsEndpointOptions.Section;
        var errors = new List<string>();
        if (o.Port is < 0 or > 65535)
        {
            errors.Add($"{s}:Port {o.Port} must be 0..65535 (0 = any free port)");
        }

        if (!IPAddress.TryParse(o.ListenAddress, out _))
        {
            errors.Add($"{s}:ListenAddress '{o.ListenAddress}' must be an IP address");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
