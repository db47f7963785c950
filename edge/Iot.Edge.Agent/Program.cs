using Iot.Edge.Agent.Encoding;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Interop;
using Iot.Edge.Audio;
using Iot.Edge.Capture.Alsa;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

MallocArenas.LimitTo(1);

if (args.Length > 0 && args[0] == "encode")
{
    try
    {
        return await EncodeCommand.RunAsync(args, Console.Out, CancellationToken.None);
    }
    catch (Exception ex) when (ex is IOException or WavFormatException or UnauthorizedAccessException)
    {
        await Console.Error.WriteLineAsync("iot-agent encode: " + ex.Message);
        return 1;
    }
}

if (args.Contains("--list-devices"))
{
    // For the technician: what the agent sees and which microphone it would record.
    var configuration = AgentHost.CreateBuilder([.. args.Where(a => a != "--list-devices")]).Configuration;
    return OperatingSystem.IsWindows()
        ? await Iot.Edge.Capture.Windows.WasapiDeviceListing.WriteAsync(Console.Out, configuration, CancellationToken.None)
        : await AlsaDeviceListing.WriteAsync(Console.Out, configuration, CancellationToken.None);
}

try
{
    using var host = AgentHost.CreateBuilder(args).Build();
    try
    {
        await host.RunAsync();
    }
    catch (OperationCanceledException)
    {
        // SIGTERM while services were still starting: the host cancels its start-up and throws instead of stopping what
        // already runs (the recorder may hold a chunk in progress). Stop those as on any SIGTERM, then exit cleanly.
        await host.StopAsync(CancellationToken.None);
        await Console.Error.WriteLineAsync("iot-agent: stopped during start-up");
    }

    return 0;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("iot-agent: invalid configuration:\n  " + string.Join("\n  ", ex.Failures));
    return 2;
}
catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
{
    // A value of the wrong type (e.g. a word where a number belongs); the binder's message names the key.
    await Console.Error.WriteLineAsync("iot-agent: invalid configuration:\n  " + ex.Message);
    return 2;
}
