using System.Globalization;

namespace Iot.Faults.Tests.Harness;

/// <summary>How many times each fault is repeated: <c>IOT_FAULTS_ROUNDS</c> (default 20, CI), more for a long local run.</summary>
public static class FaultRounds
{
    public const string EnvironmentVariable = "IOT_FAULTS_ROUNDS";

    public static int Count(int ciDefault = 20)
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return ciDefault;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new InvalidOperationException($"{EnvironmentVariable} '{value}' must be a positive whole number");
    }

    /// <summary>A random delay in [min, max), for fault moments that must not line up with the chunk clock.</summary>
    public static TimeSpan Between(TimeSpan min, TimeSpan max) => min + (max - min) * Random.Shared.NextDouble();
}
