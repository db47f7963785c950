using System.Runtime.Versioning;

namespace Iot.Edge.Agent.Provisioning;

/// <summary>Pi CPU serial from /proc/cpuinfo, else /etc/machine-id; the MachineGuid registry value on Windows.</summary>
public sealed class SystemHardwareIdentity(string cpuInfoPath = "/proc/cpuinfo", string machineIdPath = "/etc/machine-id") : IHardwareIdentity
{
    public string? HardwareId()
    {
        if (OperatingSystem.IsWindows())
        {
            return WindowsMachineGuid();
        }

        return CpuSerial() ?? MachineId();
    }

    private string? CpuSerial()
    {
        if (!File.Exists(cpuInfoPath))
        {
            return null;
        }

        foreach (var line in File.ReadLines(cpuInfoPath))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == "Serial")
            {
                var value = line[(colon + 1)..].Trim().TrimStart('0');
                return value.Length == 0 ? null : "cpu-" + value.ToLowerInvariant();
            }
        }

        return null;
    }

    private string? MachineId()
    {
        if (!File.Exists(machineIdPath))
        {
            return null;
        }

        var id = File.ReadAllText(machineIdPath).Trim().ToLowerInvariant();
        return id.Length == 0 ? null : "mid-" + id;
    }

    [SupportedOSPlatform("windows")]
    private static string? WindowsMachineGuid()
    {
        using var key = Microsoft.Win32.Registry.LocalMachine.OpenSubKey(@"SOFTWARE\Microsoft\Cryptography");
        return key?.GetValue("MachineGuid") is string guid && guid.Length > 0 ? "win-" + guid.ToLowerInvariant() : null;
    }
}
