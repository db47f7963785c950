using Iot.TestSupport;

namespace Iot.Provisioning.Tests.Infrastructure;

/// <summary>Runs the real iotctl build (copied next to the tests) as a separate process.</summary>
public static class Iotctl
{
    public static Task<ToolResult> RunAsync(CloudNode node, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "iotctl.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} missing: the test project must reference Iot.Provisioning.Cli");
        }

        return ExternalTool.RunAsync("dotnet", [dll, .. args, "--database", node.ConnectionString, "--broker", $"127.0.0.1:{node.Port}"], TimeSpan.FromSeconds(60));
    }
}
