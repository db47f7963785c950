using System.Globalization;

namespace Iot.Bench.Storm;

/// <summary>
/// The limits a few thousand connections on one small box run into, read from <c>/proc</c>: open-file limits and the
/// peak of open descriptors per process (sampled), and the kernel's accept-queue overflows (SYNs dropped because a
/// listener's backlog was full; the client retries after a second, which shows up as slow connects).
/// </summary>
internal sealed class SystemLimits : IAsyncDisposable
{
    private readonly Dictionary<string, Func<IEnumerable<int>>> _groups;
    private readonly Dictionary<string, int> _peakFds = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly (long Overflows, long Drops) _before = ListenQueue();

    public SystemLimits(Dictionary<string, Func<IEnumerable<int>>> groups)
    {
        _groups = groups;
        _sampling = SampleAsync(_stop.Token);
    }

    public static string OpenFileLimit(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts is { Length: >= 5 } ? $"{parts[3]}/{parts[4]}" : "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public static string SomaxConn() => File.ReadAllText("/proc/sys/net/core/somaxconn").Trim();

    public string Report()
    {
        var (overflows, drops) = ListenQueue();
        string peaks;
        lock (_peakFds)
        {
            peaks = string.Join(", ", _peakFds.Select(p => $"{p.Key} {p.Value}"));
        }

        return $"peak open fds: {peaks}; listen-queue overflows {overflows - _before.Overflows}, SYNs dropped {drops - _before.Drops}";
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            do
            {
                foreach (var (name, pids) in _groups)
                {
                    var fds = pids().Sum(Fds);
                    lock (_peakFds)
                    {
                        _peakFds[name] = Math.Max(_peakFds.GetValueOrDefault(name), fds);
                    }
                }
            }
            while (await tick.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static int Fds(int pid)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>TcpExt ListenOverflows and ListenDrops, machine-wide.</summary>
    private static (long Overflows, long Drops) ListenQueue()
    {
        var lines = File.ReadAllLines("/proc/net/netstat").Where(l => l.StartsWith("TcpExt:", StringComparison.Ordinal)).ToArray();
        if (lines.Length < 2)
        {
            return (0, 0);
        }

        var names = lines[0].Split(' ');
        var values = lines[1].Split(' ');
        long Value(string name) => Array.IndexOf(names, name) is var i and > 0 ? long.Parse(values[i], CultureInfo.InvariantCulture) : 0;
        return (Value("ListenOverflows"), Value("ListenDrops"));
    }
}
