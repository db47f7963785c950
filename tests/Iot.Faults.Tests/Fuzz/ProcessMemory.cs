using System.Globalization;

namespace Iot.Faults.Tests.Fuzz;

/// <summary>Samples a child process's resident set (VmRSS in /proc/{pid}/status) in the background: start, peak, end.</summary>
public sealed class ProcessMemory : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peak;

    private ProcessMemory(int pid)
    {
        _pid = pid;
        Start = ReadRssBytes(pid);
        _peak = Start;
        _sampler = Task.Run(() => SampleAsync(_stop.Token));
    }

    public long Start { get; }

    public long Peak => Interlocked.Read(ref _peak);

    public static ProcessMemory Watch(int pid) => new(pid);

    public static long ReadRssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no VmRSS for pid {pid}");
    }

    public long Now() => ReadRssBytes(_pid);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var rss = ReadRssBytes(_pid);
                if (rss > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, rss);
                }

                await Task.Delay(100, ct);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                return; // the process is gone; the test notices that itself
            }
        }
    }
}
