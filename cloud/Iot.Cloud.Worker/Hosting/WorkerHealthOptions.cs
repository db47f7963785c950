using Iot.Cloud.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Worker.Hosting;

/// <summary>Section <c>Worker:Health</c>: the worker's only HTTP listener, <c>/health/live</c> and <c>/health/ready</c>.</summary>
public sealed class WorkerHealthOptions
{
    public const string Section = "Worker:Health";

    public bool Enabled { get; set; } = true;

    /// <summary>Loopback by default: a supervisor or sidecar on the same host probes it; expose it deliberately.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>9472: beside the bridge's 9470 (metrics) and 9471 (operator API) so all fit on one box. 0 = any free port.</summary>
    public int Port { get; set; } = 9472;
}

internal sealed class WorkerHealthOptionsValidator : IValidateOptions<WorkerHealthOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerHealthOptions o)
    {
        var s = WorkerHealthOptions.Section;
        var errors = new List<string>();
        LocalHttpListener.CheckEndpoint(s, o.ListenAddress, o.Port, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
