namespace Iot.Edge.Agent.Gpio;

/// <summary>What the outputs do for <see cref="Duration"/>.</summary>
public readonly record struct BlinkStep(TimeSpan Duration, bool Status, bool Second = false, bool Buzzer = false)
{
    public static BlinkStep On(int ms, bool second = false, bool buzzer = false) => new(TimeSpan.FromMilliseconds(ms), true, second, buzzer);

    public static BlinkStep Off(int ms, bool second = false) => new(TimeSpan.FromMilliseconds(ms), false, second);
}

/// <summary>
/// A repeating sequence of steps. The buzzer bits sound in the first cycle only, i.e. once when the pattern is
/// entered: a shop must not be beeped at all day.
/// </summary>
public sealed class BlinkPattern(string name, IReadOnlyList<BlinkStep> steps)
{
    public string Name { get; } = name;

    public IReadOnlyList<BlinkStep> Steps { get; } = steps.Count > 0 && steps.All(s => s.Duration > TimeSpan.Zero)
        ? steps
        : throw new ArgumentException("a pattern needs at least one step and every step a positive duration", nameof(steps));

    public TimeSpan CycleLength => Steps.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);

    public override string ToString() => Name;
}
