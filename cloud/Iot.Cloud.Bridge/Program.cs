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
catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
{
    // A value of the wrong type (e.g. a word where a number belongs); the binder's message names the key.
    await Console.Error.WriteLineAsync("iot-bridge: invalid configuration:\n  " + ex.Message);
    return 2;
}
