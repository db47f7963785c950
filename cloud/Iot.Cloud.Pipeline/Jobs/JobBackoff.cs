namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>Retry delays: doubling per attempt, capped, with jitter so jobs that failed together do not retry together.</summary>
public static class JobBackoff
{
    /// <param name="attempt">The attempt that just failed, from 1.</param>
    /// <param name="jitter">A number in [0, 1); the delay is scaled into [50 %, 100 %] of the nominal one.</param>
    public static TimeSpan Delay(int attempt, TimeSpan first, TimeSpan max, double jitter)
    {
        var nominal = first.TotalSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = Math.Min(nominal, max.TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.5 + (0.5 * Math.Clamp(jitter, 0, 1))));
    }
}
