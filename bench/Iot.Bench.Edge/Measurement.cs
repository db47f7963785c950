using System.Diagnostics;

namespace Iot.Bench.Edge;

/// <summary>
/// Audio processed against wall time and against CPU time of the whole process (all threads). On a shared machine
/// the CPU figure shows what the code costs; the wall figure also carries waits (fsync) and other tenants of the core.
/// </summary>
internal readonly record struct Measurement(double AudioSeconds, TimeSpan Wall, TimeSpan Cpu)
{
    public double RealTime => AudioSeconds / Wall.TotalSeconds;

    public double CpuRealTime => AudioSeconds / Cpu.TotalSeconds;

    public static Stamp Now() => new(Stopwatch.GetTimestamp(), ProcessCpu());

    public static Measurement Since(Stamp start, double audioSeconds) =>
        new(audioSeconds, Stopwatch.GetElapsedTime(start.Timestamp), ProcessCpu() - start.Cpu);

    public static Measurement Of(double audioSeconds, Action work)
    {
        var start = Now();
        work();
        return Since(start, audioSeconds);
    }

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    internal readonly record struct Stamp(long Timestamp, TimeSpan Cpu);
}
