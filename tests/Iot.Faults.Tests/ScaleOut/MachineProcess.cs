using Iot.TestSupport;

namespace Iot.Faults.Tests.ScaleOut;

/// <summary>Starts one of the cloud programs as a "machine" of its own: its log and TMPDIR in its private directory.</summary>
internal static class MachineProcess
{
    /// <param name="settings">The program's <c>--Key=value</c> settings; <paramref name="extra"/> entries win.</param>
    public static ChildProcess Start(string dll, Dictionary<string, string> settings, IReadOnlyDictionary<string, string> extra, string machineDirectory, string logName)
    {
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var temp = Directory.CreateDirectory(Path.Combine(machineDirectory, "tmp")).FullName;
        return ChildProcess.Start(
            dll,
            settings.Select(a => $"--{a.Key}={a.Value}"),
            Path.Combine(machineDirectory, logName),
            new Dictionary<string, string> { ["TMPDIR"] = temp });
    }
}
