using System.Globalization;

namespace Iot.Bench.Edge;

internal static class BenchArgs
{
    /// <summary>A numeric <c>--name value</c> option, or the fallback when absent.</summary>
    public static double Option(string[] args, string name, double fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? double.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>A <c>--name value</c> text option, or null when absent.</summary>
    public static string? Text(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
