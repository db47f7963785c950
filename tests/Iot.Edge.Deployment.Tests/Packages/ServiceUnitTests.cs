using System.Runtime.Versioning;
using Iot.TestSupport;

namespace Iot.Edge.Deployment.Tests.Packages;

/// <summary>The systemd units the packages install, read from the repository (no build needed).</summary>
[SupportedOSPlatform("linux")]
public class ServiceUnitTests
{
    public static TheoryData<string, string, string> Units => new()
    {
        // unit file, config file the unit names, secrets file ("" = none)
        { "cloud/deploy/iot-bridge.service", "IOT_BRIDGE_CONFIG=/etc/iot/iot-bridge.json", "/etc/iot/iot-bridge.env" },
        { "cloud/deploy/iot-worker.service", "IOT_WORKER_CONFIG=/etc/iot/iot-worker.json", "/etc/iot/iot-worker.env" },
        { "cloud/deploy/iot-dashboard.service", "IOT_DASHBOARD_CONFIG=/etc/iot/iot-dashboard.json", "/etc/iot/iot-dashboard.env" },
        { "edge/deploy/iot-agent.service", "IOT_AGENT_CONFIG=/etc/iot-agent/iot-agent.json", "" },
    };

    [Theory]
    [MemberData(nameof(Units))]
    public void Each_unit_notifies_runs_as_its_own_user_with_no_capabilities_and_reads_config_from_etc(string unit, string config, string secrets)
    {
        var service = Read(unit);
        var program = Path.GetFileNameWithoutExtension(unit);

        Assert.Equal(["notify"], service["Type"]);
        Assert.Equal([program], service["User"]);
        Assert.Equal([$"/opt/{program}/{program}"], service["ExecStart"]);
        Assert.Contains(config, service["Environment"]);
        Assert.Equal(secrets.Length == 0 ? [] : [secrets], service.GetValueOrDefault("EnvironmentFile", []));
        Assert.Equal([program], service["StateDirectory"]);
        Assert.Equal([program], service["LogsDirectory"]);
        Assert.Contains(service["Restart"].Single(), new[] { "on-failure", "always" });

        foreach (var (key, value) in new[]
                 {
                     ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
                     ("ProtectKernelTunables", "yes"), ("ProtectKernelModules", "yes"), ("ProtectControlGroups", "yes"),
                     ("RestrictSUIDSGID", "yes"), ("RestrictNamespaces", "yes"), ("LockPersonality", "yes"),
                     ("CapabilityBoundingSet", ""), ("AmbientCapabilities", ""), ("SystemCallArchitectures", "native"),
                 })
        {
            Assert.True(service.TryGetValue(key, out var values) && values.SequenceEqual([value]), $"{unit}: {key}={value} expected, found {string.Join(", ", values ?? [])}");
        }

        // Network families: IP, local sockets and netlink (address enumeration); never raw packets or anything else.
        Assert.Empty(service["RestrictAddressFamilies"].Single().Split(' ').Except(["AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"]));
        // Writable: only the service's own directories (implied by StateDirectory/LogsDirectory) and the audio storage.
        Assert.Empty(service.GetValueOrDefault("ReadWritePaths", []).SelectMany(v => v.Split(' ')).Select(p => p.TrimStart('-')).Except([$"/var/lib/{program}", "/var/lib/iot-bridge"]));
    }

    [Theory]
    [InlineData("cloud/deploy/iot-bridge.service")]
    [InlineData("cloud/deploy/iot-worker.service")]
    [InlineData("cloud/deploy/iot-dashboard.service")]
    public void Cloud_units_filter_system_calls_and_explain_why_the_jit_keeps_write_execute_memory(string unit)
    {
        var service = Read(unit);

        Assert.Equal(["@system-service"], service["SystemCallFilter"]);
        Assert.Equal(["no"], service["MemoryDenyWriteExecute"]);
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, unit));
        var comment = text[..text.IndexOf("MemoryDenyWriteExecute=no", StringComparison.Ordinal)].Split('\n').Reverse().Skip(1).TakeWhile(l => l.StartsWith('#'));
        Assert.Contains(comment, l => l.Contains("JIT", StringComparison.Ordinal));
    }

    /// <summary>
    /// systemd's own parser: unknown keys, bad values and bad paths are reported. The unit's program does not exist
    /// on this machine before install (the package tests verify the installed ones), so a copy points at a stand-in.
    /// </summary>
    [Theory]
    [InlineData("cloud/deploy/iot-bridge.service")]
    [InlineData("cloud/deploy/iot-worker.service")]
    [InlineData("cloud/deploy/iot-dashboard.service")]
    [InlineData("edge/deploy/iot-agent.service")]
    public async Task Systemd_analyze_verifies_each_unit_without_a_warning(string unit)
    {
        using var dir = new TempDirectory();
        var program = Path.GetFileNameWithoutExtension(unit);
        var standIn = dir.Sub(program);
        await File.WriteAllTextAsync(standIn, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var copy = dir.Sub(Path.GetFileName(unit));
        var text = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, unit));
        await File.WriteAllTextAsync(copy, text.Replace($"ExecStart=/opt/{program}/{program}", $"ExecStart={standIn}", StringComparison.Ordinal));

        var verify = await ExternalTool.RunAsync("systemd-analyze", ["verify", copy]);

        Assert.True(verify.ExitCode == 0 && verify.StdErr.Trim().Length == 0 && verify.StdOut.Trim().Length == 0, verify.StdOut + verify.StdErr);
    }

    /// <summary>systemd-analyze exits 0 even then: only its empty output means a clean unit.</summary>
    [Fact]
    public async Task Systemd_analyze_reports_a_bad_directive_so_a_clean_verify_means_something()
    {
        using var dir = new TempDirectory();
        var copy = dir.Sub("iot-bridge.service");
        var text = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "cloud/deploy/iot-bridge.service"));
        await File.WriteAllTextAsync(copy, text.Replace("ExecStart=/opt/iot-bridge/iot-bridge", "ExecStart=/bin/true", StringComparison.Ordinal)
            .Replace("ProtectSystem=strict", "ProtectSystem=very", StringComparison.Ordinal));

        var line = Array.FindIndex(await File.ReadAllLinesAsync(copy), l => l == "ProtectSystem=very") + 1;

        var verify = await ExternalTool.RunAsync("systemd-analyze", ["verify", copy]);

        Assert.Contains($"{copy}:{line}: Failed to parse", verify.StdErr, StringComparison.Ordinal);
    }

    /// <summary>The [Service] section's keys, each with its values in order (an empty assignment is an empty value).</summary>
    private static Dictionary<string, List<string>> Read(string unit)
    {
        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var section = "";
        foreach (var raw in File.ReadAllLines(Path.Combine(RepoPaths.Root, unit)))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('['))
            {
                section = line;
                continue;
            }

            if (section == "[Service]" && line.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                var key = line[..eq];
                if (!keys.TryGetValue(key, out var values))
                {
                    keys[key] = values = [];
                }

                values.Add(line[(eq + 1)..]);
            }
        }

        return keys;
    }
}
