using Iot.TestSupport;

namespace Iot.Edge.Deployment.Tests;

/// <summary>Publishes the agent for a runtime once per test run (self-contained, Release), as an installer would get it.</summary>
internal static class PublishedAgent
{
    private static readonly Dictionary<string, Task<string>> Builds = [];
    private static readonly Lock Gate = new();

    // Publishes for two runtimes at once race on the project's obj/project.assets.json.
    private static readonly SemaphoreSlim OnePublishAtATime = new(1, 1);

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
        await OnePublishAtATime.WaitAsync();
        try
        {
            return await PublishOnceAsync(runtime);
        }
        finally
        {
            OnePublishAtATime.Release();
        }
    }

    private static async Task<string> PublishOnceAsync(string runtime)
    {
        var output = Path.Combine(Path.GetTempPath(), $"iot-agent-publish-{runtime}-{Environment.ProcessId}");
        var project = Path.Combine(RepoPaths.Root, "edge", "Iot.Edge.Agent", "Iot.Edge.Agent.csproj");
        var result = await ExternalTool.RunAsync("dotnet", ["publish", project, "-c", "Release", "-r", runtime, "--self-contained", "-o", output, "-nologo", "-v", "quiet"], TimeSpan.FromMinutes(8));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish -r {runtime} failed:\n{result.StdOut}\n{result.StdErr}");
        }

        return output;
    }
}
