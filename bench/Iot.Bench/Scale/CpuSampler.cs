using System.Globalization;

namespace Iot.Bench.Scale;

/// <summary>
/// CPU seconds used by named groups of processes between two snapshots, read from <c>/proc/PID/stat</c>
/// (utime + stime), so each component's share of the two cores is measured rather than guessed.
/// </summary>
internal sealed class CpuSampler(IReadOnlyDictionary<string, Func<IEnumerable<int>>> groups)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ is 100 on every Linux ABI .NET runs on.

    public IReadOnlyDictionary<string, double> Snapshot() =>
        groups.ToDictionary(g => g.Key, g => g.Value().Sum(pid => CpuSeconds(pid)));

    public static IReadOnlyDictionary<string, double> Delta(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key));

    /// <summary>The PostgreSQL postmaster behind a backend and every process it forked (backends, WAL writer, checkpointer).</summary>
    public static IEnumerable<int> PostgresCluster(int backendPid)
    {
        var postmaster = ParentOf(backendPid);
        return Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : -1)
            .Where(pid => pid > 0 && (pid == postmaster || ParentOf(pid) == postmaster))
            .Select(pid => pid == postmaster ? -pid : pid); // negative: count the children it reaped too (see CpuSeconds)
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
            return line is null ? -1 : int.Parse(line[5..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>
    /// utime + stime; for a negative pid (a postmaster) also cutime + cstime, the CPU of children it has reaped, so
    /// backends that ended between two snapshots (bridges open and close connections) are not lost from the delta.
    /// </summary>
    private static double CpuSeconds(int pid)
    {
        var withReaped = pid < 0;
        pid = Math.Abs(pid);
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may contain spaces: fields are counted after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            if (withReaped)
            {
                ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }

            return ticks / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0; // exited between listing and reading
        }
    }
}
