using Iot.TestSupport;

namespace Iot.Edge.Deployment.Tests.Packages;

/// <summary>
/// The iot-bridge (with iotctl), iot-worker and iot-dashboard .debs: what they hold, that the self-contained programs
/// run with no .NET on the machine's PATH and read the file their unit names, and an install + purge on this machine
/// with the users, groups and permissions that keep one program's secrets from the others.
/// </summary>
public class CloudPackageTests
{
    private static readonly string[] Programs = ["iot-bridge", "iot-worker", "iot-dashboard"];

    /// <summary>The bridge's state directory is the audio archive, which purge keeps; the test marks its own.</summary>
    private const string TestStorageMarker = "/var/lib/iot-bridge/.iot-package-test";

    [Fact]
    public async Task Each_cloud_package_holds_its_program_unit_config_and_valid_maintainer_scripts()
    {
        var debs = await DebianPackages.CloudDebsAsync();
        foreach (var program in Programs)
        {
            var deb = Deb(debs, program);
            var contents = (await ExternalTool.RunCheckedAsync("dpkg-deb", ["-c", deb])).StdOut;
            foreach (var path in new[] { $"./opt/{program}/{program}", $"./lib/systemd/system/{program}.service", $"./etc/iot/{program}.json", $"./usr/share/{program}/{program}.env.example" })
            {
                Assert.Contains(path, contents, StringComparison.Ordinal);
            }

            Assert.DoesNotContain(".pdb", contents, StringComparison.Ordinal);
            // Secrets are never in a package: the env file is made by postinst, once, from the example.
            Assert.DoesNotContain($"./etc/iot/{program}.env", contents, StringComparison.Ordinal);

            using var control = new TempDirectory();
            await ExternalTool.RunCheckedAsync("dpkg-deb", ["-e", deb, control.Path]);
            Assert.Equal($"/etc/iot/{program}.json", (await File.ReadAllTextAsync(Path.Combine(control.Path, "conffiles"))).Trim());
            var fields = await File.ReadAllTextAsync(Path.Combine(control.Path, "control"));
            Assert.Contains($"Version: {DebianPackages.TestVersion}", fields, StringComparison.Ordinal);
            Assert.Contains("Architecture: amd64", fields, StringComparison.Ordinal);
            Assert.DoesNotContain("dotnet", fields.Split('\n').Single(l => l.StartsWith("Depends:", StringComparison.Ordinal)), StringComparison.Ordinal);
            foreach (var script in new[] { "postinst", "prerm", "postrm" })
            {
                var path = Path.Combine(control.Path, script);
                Assert.DoesNotContain("@", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
                Assert.Equal(0, (await ExternalTool.RunAsync("bash", ["-n", path])).ExitCode);
                Assert.Equal(0, (await ExternalTool.RunAsync("sh", ["-n", path])).ExitCode);
            }
        }

        Assert.Contains("./usr/bin/iotctl -> /opt/iot-bridge/iotctl", (await ExternalTool.RunCheckedAsync("dpkg-deb", ["-c", Deb(debs, "iot-bridge")])).StdOut, StringComparison.Ordinal);
    }

    /// <summary>
    /// A clean environment (no dotnet on PATH, no DOTNET_ROOT) as systemd gives it, plus the variable the unit sets
    /// pointing at a file with a wrong value: exit 2 naming that key proves the program ran and read that file.
    /// </summary>
    [Theory]
    [InlineData("iot-bridge", "IOT_BRIDGE_CONFIG", """{ "Bridge": { "BatchSize": "many" } }""", "Bridge:BatchSize")]
    [InlineData("iot-worker", "IOT_WORKER_CONFIG", """{ "Pipeline": { "Workers": { "Concurrency": "many" } } }""", "Pipeline:Workers:Concurrency")]
    [InlineData("iot-dashboard", "IOT_DASHBOARD_CONFIG", """{ "Dashboard": { "OnlineWindowSeconds": "many" } }""", "Dashboard:OnlineWindowSeconds")]
    public async Task A_packaged_program_runs_without_dotnet_and_reads_the_config_file_its_unit_names(string program, string variable, string json, string key)
    {
        var debs = await DebianPackages.CloudDebsAsync();
        using var dir = new TempDirectory();
        await ExternalTool.RunCheckedAsync("dpkg-deb", ["-x", Deb(debs, program), dir.Sub("root")]);
        var config = dir.Sub("bad.json");
        await File.WriteAllTextAsync(config, json);

        var run = await ExternalTool.RunAsync(
            "env",
            ["-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", $"{variable}={config}", "DATABASE_URL=Host=127.0.0.1;Port=1;Username=none", dir.Sub($"root/opt/{program}/{program}")],
            TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}:\n{run.StdOut}\n{run.StdErr}");
        Assert.Contains(key, run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cloud_packages_install_with_separate_users_whose_secrets_stay_apart_and_purge_cleanly()
    {
        var debs = await DebianPackages.CloudDebsAsync();
        await using var machine = await DebianPackages.LockMachineAsync();
        foreach (var program in Programs)
        {
            await DebianPackages.PurgeLeftoverAsync(program);
        }

        if (Directory.Exists("/var/lib/iot-bridge"))
        {
            // Left by an earlier run of this test (purge keeps the archive), or someone's real audio: only the first goes.
            Assert.True(File.Exists(TestStorageMarker), "/var/lib/iot-bridge exists and is not the package test's; the test will not touch it");
            Directory.Delete("/var/lib/iot-bridge", recursive: true);
        }

        var install = await ExternalTool.RunAsync("dpkg", ["-i", .. Programs.Select(p => Deb(debs, p))], TimeSpan.FromMinutes(3));
        try
        {
            Assert.True(install.ExitCode == 0, install.StdOut + install.StdErr);
            await File.WriteAllTextAsync(TestStorageMarker, "made by CloudPackageTests\n");
            await AssertInstalledAsync();
        }
        finally
        {
            var purge = await ExternalTool.RunAsync("dpkg", ["--purge", .. Programs], TimeSpan.FromMinutes(3));
            Assert.True(purge.ExitCode == 0, purge.StdOut + purge.StdErr);
        }

        foreach (var program in Programs)
        {
            Assert.NotEqual(0, (await ExternalTool.RunAsync("getent", ["passwd", program])).ExitCode);
            Assert.False(Directory.Exists($"/opt/{program}"), $"/opt/{program} is still there after purge");
            Assert.False(File.Exists($"/lib/systemd/system/{program}.service"), $"{program}.service is still there after purge");
            Assert.False(Directory.Exists($"/var/log/{program}"), $"/var/log/{program} is still there after purge");
            Assert.Contains("not installed", (await ExternalTool.RunAsync("dpkg", ["-s", program])).StdErr, StringComparison.Ordinal);
        }

        Assert.NotEqual(0, (await ExternalTool.RunAsync("getent", ["group", "iot"])).ExitCode);
        Assert.False(Directory.Exists("/etc/iot"), "/etc/iot is still there after purge");
        Assert.False(Directory.Exists("/var/lib/iot-worker") || Directory.Exists("/var/lib/iot-dashboard"), "a worker or dashboard state directory outlived purge");
        Assert.False(File.Exists("/usr/bin/iotctl") || new FileInfo("/usr/bin/iotctl").LinkTarget is not null, "/usr/bin/iotctl is still there after purge");

        // The audio archive outlives the package (purge says so); this one is the test's own.
        Assert.True(File.Exists(TestStorageMarker), "purge deleted the bridge's audio storage");
        Directory.Delete("/var/lib/iot-bridge", recursive: true);
    }

    private static async Task AssertInstalledAsync()
    {
        foreach (var program in Programs)
        {
            Assert.Equal($"640 root {program}", await DebianPackages.StatAsync($"/etc/iot/{program}.env"));
            Assert.Equal($"640 root {program}", await DebianPackages.StatAsync($"/etc/iot/{program}.json"));
            var groups = (await ExternalTool.RunCheckedAsync("id", ["-nG", program])).StdOut.Split(' ', StringSplitOptions.TrimEntries);
            Assert.Contains("iot", groups);
            var verify = await ExternalTool.RunAsync("systemd-analyze", ["verify", $"/lib/systemd/system/{program}.service"]);
            Assert.True(verify.ExitCode == 0 && verify.StdErr.Trim().Length == 0, $"{program}: {verify.StdOut}{verify.StdErr}");
        }

        Assert.Equal("770 iot-bridge iot", await DebianPackages.StatAsync("/var/lib/iot-bridge"));
        Assert.Equal("750 iot-worker iot-worker", await DebianPackages.StatAsync("/var/lib/iot-worker"));
        Assert.Equal("700 iot-dashboard iot-dashboard", await DebianPackages.StatAsync("/var/lib/iot-dashboard"));

        // Each program reads its own secrets and no one else's; the worker may prune the bridge's audio.
        foreach (var reader in Programs)
        {
            foreach (var owner in Programs)
            {
                var read = await AsUserAsync(reader, "cat", $"/etc/iot/{owner}.env");
                Assert.True((read.ExitCode == 0) == (reader == owner), $"{reader} reading /etc/iot/{owner}.env: exit {read.ExitCode} {read.StdErr}");
            }
        }

        Assert.Equal(0, (await AsUserAsync("iot-worker", "touch", "/var/lib/iot-bridge/worker-probe")).ExitCode);
        Assert.NotEqual(0, (await AsUserAsync("iot-worker", "ls", "/var/lib/iot-dashboard")).ExitCode);

        // iotctl from PATH: the link into the bridge's directory is enough for the apphost to find its files.
        var iotctl = await ExternalTool.RunAsync("env", ["-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "iotctl", "--help"]);
        Assert.True(iotctl.ExitCode == 0, iotctl.StdOut + iotctl.StdErr);
    }

    private static Task<ToolResult> AsUserAsync(string user, params string[] command) =>
        ExternalTool.RunAsync("setpriv", [$"--reuid={user}", $"--regid={user}", "--init-groups", "--", .. command]);

    private static string Deb(string folder, string program) => Path.Combine(folder, $"{program}_{DebianPackages.TestVersion}_amd64.deb");
}
