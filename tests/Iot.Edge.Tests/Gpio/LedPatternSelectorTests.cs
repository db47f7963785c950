using Iot.Edge.Agent.Gpio;
using Iot.Edge.Agent.Health;
using Iot.Edge.Audio;

namespace Iot.Edge.Tests.Gpio;

public class LedPatternSelectorTests
{
    private static readonly AgentHealthSnapshot Calm = new() { Connected = true, Mic = MicState.Streaming };

    public static TheoryData<string, string, int> SingleConditions => new()
    {
        { "recording", "recording", 1 },
        { "idle", "idle", 1 },
        { "booting", "booting", 1 },
        { "provisioning", "waiting-for-provisioning", 2 },
        { "offline", "offline-with-backlog", 3 },
        { "mic", "mic-missing", 4 },
        { "fault", "error", 5 },
    };

    public static TheoryData<string, string> Priorities => new()
    {
        { "fault+booting+mic+offline+provisioning+recording", "error" },
        { "booting+mic+offline+provisioning+recording", "booting" },
        { "mic+offline+provisioning+recording", "mic-missing" },
        { "offline+provisioning+recording", "offline-with-backlog" },
        { "provisioning+recording", "waiting-for-provisioning" },
        { "fault+idle", "error" },
        { "mic+idle", "mic-missing" },
    };

    [Theory]
    [MemberData(nameof(SingleConditions))]
    public void Each_condition_alone_selects_its_own_pattern_and_health_code(string condition, string pattern, int code)
    {
        var decision = LedPatternSelector.Select(With(condition));

        Assert.Equal(pattern, decision.Pattern.Name);
        Assert.Equal(code, decision.HealthCode);
    }

    [Theory]
    [MemberData(nameof(Priorities))]
    public void When_several_conditions_hold_the_most_urgent_one_is_shown(string conditions, string pattern)
    {
        Assert.Equal(pattern, LedPatternSelector.Select(With(conditions)).Pattern.Name);
    }

    [Fact]
    public void A_disconnected_device_with_an_empty_outbox_is_not_reported_offline()
    {
        var snapshot = Calm with { Connected = false, OutboxDepth = 0, Recording = true };

        Assert.Same(LedPatternSelector.Recording, LedPatternSelector.Select(snapshot).Pattern);
    }

    [Fact]
    public void A_file_source_without_microphone_status_never_counts_as_mic_missing()
    {
        var snapshot = Calm with { Mic = null, Recording = true };

        Assert.Equal(DeviceCondition.Recording, LedPatternSelector.Select(snapshot).Condition);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Every_problem_pattern_blinks_its_health_code_before_a_long_pause(int code)
    {
        var condition = Enum.GetValues<DeviceCondition>().Single(c => HealthCodes.For(c) == code);
        var steps = LedPatternSelector.For(condition).Steps;

        Assert.Equal(code, steps.Count(s => s.Status));
        Assert.True(steps[^1].Duration >= TimeSpan.FromMilliseconds(1500), "the pause must set one count apart from the next");
        Assert.All(steps.SkipLast(1).Where(s => !s.Status), s => Assert.True(s.Duration < steps[^1].Duration));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void The_short_press_overlay_beeps_once_per_blink_of_the_code(int code)
    {
        var steps = LedPatternSelector.HealthCode(code).Steps;

        Assert.Equal(code, steps.Count(s => s.Status));
        Assert.All(steps, s => Assert.Equal(s.Status, s.Buzzer));
        Assert.False(steps[0].Status, "a dark lead-in separates the code from the pattern before it");
    }

    private static AgentHealthSnapshot With(string conditions)
    {
        var s = Calm;
        foreach (var c in conditions.Split('+'))
        {
            s = c switch
            {
                "recording" => s with { Recording = true },
                "idle" => s with { Recording = false },
                "booting" => s with { Booting = true },
                "provisioning" => s with { AwaitingProvisioning = true },
                "offline" => s with { Connected = false, OutboxDepth = 7 },
                "mic" => s with { Mic = MicState.Missing },
                "fault" => s with { Faults = ["outbox: unreadable"] },
                _ => throw new ArgumentException(c),
            };
        }

        return s;
    }
}
