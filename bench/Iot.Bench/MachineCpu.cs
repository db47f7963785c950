using System.Globalization;

namespace Iot.Bench;

/// <summary>
/// The whole machine's CPU from <c>/proc/stat</c>: how busy every core was between two samples, so a figure taken while
/// the box was saturated (load generator, broker, bridge and PostgreSQL share two cores) can be told from one that
/// waited on the disk.
/// </summary>
internal static class MachineCpu
{
    public readonly record struct Ticks(long Busy, long Total);

    public static Ticks Sample()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice": idle and iowait are not busy; guest
        // time is already inside user.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        return new Ticks(total - fields[3] - fields[4], total);
    }

    /// <summary>Share (0..1) of all cores' time spent busy since <paramref name="start"/>.</summary>
    public static double BusyShareSince(Ticks start)
    {
        var now = Sample();
        var total = now.Total - start.Total;
        return total <= 0 ? 0 : (double)(now.Busy - start.Busy) / total;
    }
}
