using Iot.Edge.Audio;

namespace Iot.Edge.Agent.Health;

/// <summary>Turns a snapshot into conditions. Pure, so the LED, the endpoint and the tests agree on one rule set.</summary>
public static class ConditionEvaluator
{
    /// <summary>Every condition that holds, most urgent first; never empty (the last is Recording or Idle).</summary>
    public static IReadOnlyList<DeviceCondition> Applicable(AgentHealthSnapshot s)
    {
        var all = new List<DeviceCondition>(3);
        if (s.Faults.Count > 0)
        {
            all.Add(DeviceCondition.Error);
        }

        if (s.Booting)
        {
            all.Add(DeviceCondition.Booting);
        }

        if (s.Mic == MicState.Missing)
        {
            all.Add(DeviceCondition.MicMissing);
        }

        if (!s.Connected && s.OutboxDepth > 0)
        {
            all.Add(DeviceCondition.OfflineWithBacklog);
        }

        if (s.AwaitingProvisioning)
        {
            all.Add(DeviceCondition.WaitingForProvisioning);
        }

        all.Add(s.Recording ? DeviceCondition.Recording : DeviceCondition.Idle);
        return all;
    }

    /// <summary>The condition to show when several hold: the declaration order of <see cref="DeviceCondition"/>.</summary>
    public static DeviceCondition Top(AgentHealthSnapshot s) => Applicable(s)[0];

    /// <summary>
    /// The device itself cannot do its job. A broker outage is not in here: the agent buffers through it, and a
    /// watchdog that restarts the agent on 503 would not bring the network back.
    /// </summary>
    public static bool IsUnhealthy(DeviceCondition top) => top is DeviceCondition.Error or DeviceCondition.MicMissing;
}
