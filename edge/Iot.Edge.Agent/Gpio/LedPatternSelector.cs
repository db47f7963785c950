using Iot.Edge.Agent.Health;
using static Iot.Edge.Agent.Gpio.BlinkStep;

namespace Iot.Edge.Agent.Gpio;

/// <summary>The condition to show, its pattern and its health code.</summary>
public sealed record LedDecision(DeviceCondition Condition, BlinkPattern Pattern, int HealthCode);

/// <summary>
/// Maps the agent's health to what the status LED, the optional second (red) LED and the buzzer do. Pure: the same
/// snapshot always gives the same pattern instance. Problems blink their health code (N blinks, then a pause) so the
/// continuous pattern and the code a short button press spells out agree; the second LED lights only for problems a
/// technician fixes at the device (microphone, error), not for the network.
/// </summary>
public static class LedPatternSelector
{
    public static readonly BlinkPattern Booting = new("booting", [On(100), Off(100)]);

    /// <summary>Steady with a short gap every 2 s: a frozen agent leaves the LED simply on (or off), never this.</summary>
    public static readonly BlinkPattern Recording = new("recording", [On(1900), Off(100)]);

    public static readonly BlinkPattern Idle = new("idle", [On(100), Off(2900)]);

    public static readonly BlinkPattern WaitingForProvisioning = CodeBlinks("waiting-for-provisioning", HealthCodes.For(DeviceCondition.WaitingForProvisioning), second: SecondLed.Off, beeps: 0);

    public static readonly BlinkPattern OfflineWithBacklog = CodeBlinks("offline-with-backlog", HealthCodes.For(DeviceCondition.OfflineWithBacklog), second: SecondLed.Off, beeps: 0);

    public static readonly BlinkPattern MicMissing = CodeBlinks("mic-missing", HealthCodes.For(DeviceCondition.MicMissing), second: SecondLed.Solid, beeps: 1);

    public static readonly BlinkPattern Error = CodeBlinks("error", HealthCodes.For(DeviceCondition.Error), second: SecondLed.WithStatus, beeps: int.MaxValue);

    /// <summary>Played once when a long press is recognised: everything on for a second, so the technician lets go.</summary>
    public static readonly BlinkPattern ReprovisionAcknowledged = new("reprovision-acknowledged", [On(1000, second: true, buzzer: true), Off(500)]);

    private static readonly BlinkPattern[] CodePatterns = Enumerable.Range(1, 5).Select(HealthCodeOverlay).ToArray();

    private enum SecondLed
    {
        Off,
        Solid,
        WithStatus,
    }

    public static LedDecision Select(AgentHealthSnapshot snapshot)
    {
        var condition = ConditionEvaluator.Top(snapshot);
        return new LedDecision(condition, For(condition), HealthCodes.For(condition));
    }

    public static BlinkPattern For(DeviceCondition condition) => condition switch
    {
        DeviceCondition.Error => Error,
        DeviceCondition.Booting => Booting,
        DeviceCondition.MicMissing => MicMissing,
        DeviceCondition.OfflineWithBacklog => OfflineWithBacklog,
        DeviceCondition.WaitingForProvisioning => WaitingForProvisioning,
        DeviceCondition.Recording => Recording,
        DeviceCondition.Idle => Idle,
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, null),
    };

    /// <summary>
    /// Played once on a short press: a dark second, then <paramref name="code"/> slow blinks, each with a beep (countable
    /// with the LED out of sight), then a dark second before the continuous pattern resumes.
    /// </summary>
    public static BlinkPattern HealthCode(int code) =>
        code >= 1 && code <= CodePatterns.Length ? CodePatterns[code - 1] : throw new ArgumentOutOfRangeException(nameof(code), code, "health codes are 1..5");

    private static BlinkPattern HealthCodeOverlay(int code)
    {
        var steps = new List<BlinkStep> { Off(1000) };
        for (var i = 0; i < code; i++)
        {
            steps.Add(On(400, buzzer: true));
            steps.Add(Off(400));
        }

        steps.Add(Off(1000));
        return new BlinkPattern($"health-code-{code}", steps);
    }

    private static BlinkPattern CodeBlinks(string name, int blinks, SecondLed second, int beeps)
    {
        var steps = new List<BlinkStep>();
        for (var i = 0; i < blinks; i++)
        {
            steps.Add(On(200, second: second != SecondLed.Off, buzzer: i < beeps));
            steps.Add(Off(i == blinks - 1 ? 1800 : 300, second: second == SecondLed.Solid));
        }

        return new BlinkPattern(name, steps);
    }
}
