using System.Globalization;

namespace Iot.Faults.Tests.Harness;

/// <summary>How many times each fault is repeated: <c>IOT_FAULTS_ROUNDS</c> (default 20, CI), more for a long local run.</summary>
public static class FaultRounds
{
    public const string EnvironmentVariable = "IOT_FAULTS_ROUNDS";

    public static int Count(int ciDefault = 20) => PositiveFromEnvironment(EnvironmentVariable, ciDefault);

    /// <summary>A positive whole number from environment variable <paramref name="name"/>, or the default when unset.</summary>
    public static int PositiveFromEnvironment(string name, int fallback)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new InvalidOperationException($"{name} '{value}' must be a positive whole number");
    }

    /// <summary>A random delay in [min, max), for fault moments that must not line up with the chunk clock.</summary>
    public static TimeSpan Between(TimeSpan min, TimeSpan max) => min + (max - min) * Random.Shared.NextDouble();
}
