using System.Diagnostics;
using Iot.TestSupport;

namespace Iot.Provisioning.Tests.Infrastructure;

/// <summary>Runs the real iotctl build (copied next to the tests) as a separate process.</summary>
public static class Iotctl
{
    public static Task<ToolResult> RunAsync(CloudNode node, params string[] args)
    {
        if (!File.Exists(Dll))
        {
            throw new InvalidOperationException($"{Dll} missing: the test project must reference Iot.Provisioning.Cli");
        }

        return ExternalTool.RunAsync("dotnet", [Dll, .. args, "--api", node.ApiUrl.ToString(), "--token-file", node.OpsTokenFile, "--broker", $"127.0.0.1:{node.Port}", "--mqtt-password", CloudNode.ProvisioningSecret], TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs iotctl with exactly these arguments and none of its settings in its environment.</summary>
    public static Task<ToolResult> RunBareAsync(params string[] args) => RunBareAsync(new Dictionary<string, string>(), args);

    /// <summary>As <see cref="RunBareAsync(string[])"/>, with <paramref name="environment"/> added (credentials that never go on a command line).</summary>
    public static async Task<ToolResult> RunBareAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo(ExternalTool.Require("dotnet")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("IOT_PROVISIONING_API");
        psi.Environment.Remove("IOT_PROVISIONING_TOKEN");
        psi.Environment.Remove("IOT_BROKER");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "iotctl.dll");
}
