using Iot.TestSupport;

namespace Iot.Edge.Deployment.Tests.Packages;

/// <summary>
/// The packages cloud/scripts/build-packages.sh makes, built for the tests, and the dpkg operations on this machine.
/// </summary>
internal static class DebianPackages
{
    /// <summary>The version every test package carries: a leftover install with it is the tests' own, safe to purge.</summary>
    public const string TestVersion = "0.0.0~test";

    private static readonly Lazy<Task<string>> AgentX64 = new(() => BuildAgentAsync("x64"));
    private static readonly Lazy<Task<string>> Cloud = new(BuildCloudAsync);

    public static string Script => Path.Combine(RepoPaths.Root, "cloud", "scripts", "build-packages.sh");

    /// <summary>iot-agent_{version}_amd64.deb made from the NativeAOT publish this test process shares (no second publish).</summary>
    public static Task<string> AgentDebAsync() => AgentX64.Value;

    /// <summary>The folder holding iot-bridge, iot-worker and iot-dashboard .debs (self-contained linux-x64 publishes).</summary>
    public static Task<string> CloudDebsAsync() => Cloud.Value;

    /// <summary>
    /// dpkg keeps one database per machine and refuses a second writer instead of waiting, and test processes of other
    /// checkouts may install the same package names: every install-to-purge sequence holds this lock.
    /// </summary>
    public static Task<CrossProcessLock> LockMachineAsync() =>
        CrossProcessLock.AcquireAsync("/run/lock/iot-package-tests.lock", TimeSpan.FromMinutes(10));

    /// <summary>
    /// Purges a leftover test install of <paramref name="package"/> (an earlier run that died before its purge). A
    /// package of any other version is someone's real install: the test stops rather than remove it.
    /// </summary>
    public static async Task PurgeLeftoverAsync(string package)
    {
        var status = await ExternalTool.RunAsync("dpkg-query", ["-W", "-f=${db:Status-Abbrev} ${Version}", package]);
        if (status.ExitCode != 0 || status.StdOut.StartsWith("un", StringComparison.Ordinal))
        {
            return;
        }

        var version = status.StdOut.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (version != TestVersion)
        {
            throw new InvalidOperationException($"{package} {version} is installed on this machine and is not a test package; the package tests will not purge it");
        }

        await ExternalTool.RunCheckedAsync("dpkg", ["--purge", package], TimeSpan.FromMinutes(2));
    }

    /// <summary>`stat` of a path: octal mode, owner and group names.</summary>
    public static async Task<string> StatAsync(string path) =>
        (await ExternalTool.RunCheckedAsync("stat", ["-c", "%a %U %G", path])).StdOut.Trim();

    private static async Task<string> BuildAgentAsync(string arch)
    {
        var publish = await PublishedAgent.ForAsync($"linux-{arch}");
        var output = OutputFolder($"agent-{arch}");
        await RunScriptAsync(["--agent-arch", arch, "--no-cloud", "--agent-publish", publish, "--out", output], TimeSpan.FromMinutes(5));
        return Path.Combine(output, $"iot-agent_{TestVersion}_{(arch == "x64" ? "amd64" : arch)}.deb");
    }

    private static async Task<string> BuildCloudAsync()
    {
        var output = OutputFolder("cloud");

        // A publish for linux-x64 also builds the shared libraries (Iot.Protocol, ...) into their linux-x64 obj folders,
        // as the agent's publish does: both take the lock PublishedAgent takes, or they would race on those folders.
        var agentObj = Path.Combine(RepoPaths.Root, "edge", "Iot.Edge.Agent", "obj");
        Directory.CreateDirectory(agentObj);
        await using var exclusive = await CrossProcessLock.AcquireAsync(Path.Combine(agentObj, "publish.lock"), TimeSpan.FromMinutes(20));
        await RunScriptAsync(["--agent-arch", "none", "--cloud", "--out", output], TimeSpan.FromMinutes(15));
        return output;
    }

    /// <summary>
    /// A folder of packages for this process only (nothing another process could find half-written or trust), deleted
    /// when the process ends: the cloud packages are about 170 MB a run.
    /// </summary>
    private static string OutputFolder(string name)
    {
        var folder = Path.Combine(TestCache.Root, "packages", $"{name}-{Environment.ProcessId}-{Guid.NewGuid():n}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return folder;
    }

    private static async Task RunScriptAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        // gzip: xz of ~200 MB of self-contained programs costs minutes on two cores; the contents are what is under test.
        var result = await ExternalTool.RunAsync("bash", [Script, "--version", TestVersion, "--compression", "gzip", .. args], timeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"build-packages.sh {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.StdOut}\n{result.StdErr}");
        }
    }
}
