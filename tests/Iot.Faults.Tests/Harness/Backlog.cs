using Iot.TestSupport;

namespace Iot.Faults.Tests.Harness;

/// <summary>Waits that the fault tests share: backlog built up on the agents, drain under way.</summary>
public static class Backlog
{
    /// <summary>Waits until the agents together hold at least <paramref name="chunks"/> unacked chunks.</summary>
    public static Task BuiltAsync(FaultRig rig, int chunks, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(
            async () => await PendingAsync(rig) >= chunks,
            timeout ?? TimeSpan.FromSeconds(60),
            $"a backlog of {chunks} chunks on the agents",
            rig.DescribeAgentsAsync);

    /// <summary>Waits until the database holds more than <paramref name="rows"/> chunks: the drain has begun.</summary>
    public static Task DrainStartedAsync(FaultRig rig, long rows, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(
            async () => await rig.RowCountAsync() > rows,
            timeout ?? TimeSpan.FromSeconds(60),
            $"more than {rows} rows",
            async () => await rig.DescribeAgentsAsync() + "\nbridge:\n" + rig.Bridge.Tail());

    /// <summary>Unacked chunks on all running agents, from their health endpoints.</summary>
    public static async Task<int> PendingAsync(FaultRig rig)
    {
        var total = 0;
        foreach (var agent in rig.Agents.Where(a => a.IsRunning))
        {
            total += (await agent.HealthAsync())?.OutboxDepth ?? 0;
        }

        return total;
    }
}
