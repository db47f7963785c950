using Iot.Cloud.Bridge.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

try
{
    using var host = BridgeHost.CreateBuilder(args).Build();
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("iot-bridge: invalid configuration:\n  " + string.Join("\n  ", ex.Failures));
    return 2;
}
