using Iot.Edge.Agent.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

try
{
    using var host = AgentHost.CreateBuilder(args).Build();
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("iot-agent: invalid configuration:\n  " + string.Join("\n  ", ex.Failures));
    return 2;
}
