namespace Iot.TestSupport;

/// <summary>
/// Publishes the agent for a runtime once per test process (self-contained, Release), as an installer gets it:
/// NativeAOT for linux-x64 and linux-arm64 (cross-compiled), JIT for win-x64.
/// </summary>
public static class PublishedAgent
{
    private static readonly Dictionary<string, Task<string>> Builds = [];
    private static readonly Lock Gate = new();

    /// <summary>The native linux-x64 build's executable, for tests that run the shipped agent on this machine.</summary>
    public static async Task<string> NativeExecutableAsync() => Path.Combine(await ForAsync("linux-x64"), "iot-agent");

    /// <summary>The publish directory for <paramref name="runtime"/>.</summary>
    public static Task<string> ForAsync(string runtime)
    {
        lock (Gate)
        {
            if (!Builds.TryGetValue(runtime, out var build))
            {
                build = PublishAsync(runtime);
                Builds[runtime] = build;
            }

            return build;
        }
    }

    private static async Task<string> PublishAsync(string runtime)
    {
        // Test assemblies run in parallel processes, and two publishes of one project race on its obj/ directory, so
        // the lock lives beside that directory (one per checkout). Each publish gets an output folder of its own: a
        // folder named only by runtime and process id could hold a stale or half-written build of an earlier run.
        var projectDir = Path.Combine(RepoPaths.Root, "edge", "Iot.Edge.Agent");
        Directory.CreateDirectory(Path.Combine(projectDir, "obj"));
        await using var exclusive = await CrossProcessLock.AcquireAsync(Path.Combine(projectDir, "obj", "publish.lock"), TimeSpan.FromMinutes(20));
        var output = Path.Combine(TestCache.Root, "publish", $"iot-agent-{runtime}-{Environment.ProcessId}-{Guid.NewGuid():n}");
        var project = Path.Combine(projectDir, "Iot.Edge.Agent.csproj");
        var result = await ExternalTool.RunAsync("dotnet", ["publish", project, "-c", "Release", "-r", runtime, "--self-contained", "-o", output, "-nologo", "-v", "quiet"], TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish -r {runtime} failed (NativeAOT needs clang and lld; linux-arm64 also libc6-dev-arm64-cross and libgcc-12-dev-arm64-cross: cloud/scripts/setup.sh installs them):\n{result.StdOut}\n{result.StdErr}");
        }

        var executable = Path.Combine(output, runtime.StartsWith("win", StringComparison.Ordinal) ? "iot-agent.exe" : "iot-agent");
        return File.Exists(executable)
            ? output
            : throw new InvalidOperationException($"dotnet publish -r {runtime} exited 0 but {executable} is missing:\n{result.StdOut}");
    }
}
