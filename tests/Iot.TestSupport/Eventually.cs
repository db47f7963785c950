using System.Diagnostics;

namespace Iot.TestSupport;

public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> and the last state otherwise.</summary>
    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<Task<string>>? describe = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        var state = describe is null ? "" : " Last state: " + await describe();
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for: {what}.{state}");
    }
}
