using Iot.Dashboard.Hosting;
using Microsoft.Extensions.Options;

try
{
    var app = DashboardApp.Build(args);
    await app.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("iot-dashboard: invalid configuration:\n  " + string.Join("\n  ", ex.Failures)).ConfigureAwait(false);
    return 2;
}
catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
{
    // A value of the wrong type (e.g. a word where a number belongs); the binder's message names the key.
    await Console.Error.WriteLineAsync("iot-dashboard: invalid configuration:\n  " + ex.Message).ConfigureAwait(false);
    return 2;
}

/// <summary>Entry point; public so WebApplicationFactory can host it in tests.</summary>
public partial class Program;
