using System.Device.Gpio;
using Iot.Edge.Agent.Gpio;

namespace Iot.Edge.Tests.Gpio;

/// <summary>The technician's button on the fake chip: times in ms after start, 30 ms debounce, 5 s long press.</summary>
public class ButtonTests
{
    [Fact]
    public async Task A_short_press_beeps_and_blinks_the_health_code_then_the_pattern_resumes()
    {
        await using var rig = new LedRig();
        rig.Recorder.SetRecording(true);
        rig.CommitBacklog(2);
        await rig.StartAsync();

        rig.AdvanceTo(1000);
        rig.Press();
        rig.AdvanceTo(1100);
        rig.Release();
        rig.AdvanceTo(5600);

        // Released at 1100, settled at 1130: a dark second, three 400/400 ms blinks with beeps (offline = code 3), a dark second.
        Assert.Equal([(0, false), (2130, true), (2530, false), (2930, true), (3330, false), (3730, true), (4130, false)], rig.Waveform(LedRig.BuzzerPin, 5600));
        Assert.Equal(
            [(0, true), (200, false), (500, true), (700, false), (1000, true), (1130, false), (2130, true), (2530, false), (2930, true), (3330, false), (3730, true), (4130, false), (5530, true)],
            rig.Waveform(LedRig.StatusPin, 5600));
        Assert.Same(LedPatternSelector.OfflineWithBacklog, rig.Playing);
        Assert.Equal(0, rig.Reprovision.Count);
        Assert.Single(rig.Log.Entries, e => e.Message.Contains("blinking health code 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Holding_the_button_five_seconds_requests_reprovisioning_once_and_no_short_press()
    {
        await using var rig = new LedRig();
        rig.Uplink.OnConnected();
        rig.Recorder.SetRecording(true);
        var requests = new List<string>();
        rig.Reprovision.Requested += requests.Add;
        await rig.StartAsync();

        rig.AdvanceTo(1000);
        rig.Press();
        rig.AdvanceTo(5999);
        Assert.Empty(requests);

        rig.AdvanceTo(6000);
        Assert.Equal(["button"], requests);
        Assert.Same(LedPatternSelector.ReprovisionAcknowledged, rig.Playing);

        rig.AdvanceTo(9000);
        rig.Release();
        rig.AdvanceTo(12000);

        Assert.Equal(["button"], requests);
        Assert.DoesNotContain(rig.Log.Entries, e => e.Message.Contains("blinking health code", StringComparison.Ordinal));
        Assert.Equal([(0, false), (6000, true), (7000, false)], rig.Waveform(LedRig.BuzzerPin, 12000));
        Assert.Equal([(0, false), (6000, true), (7000, false)], rig.Waveform(LedRig.SecondPin, 12000));
        Assert.Same(LedPatternSelector.Recording, rig.Playing);
    }

    [Fact]
    public async Task The_long_press_time_is_configurable()
    {
        var options = new GpioOptions { Enabled = true, StatusLedPin = LedRig.StatusPin, ButtonPin = LedRig.ButtonPin, LongPressSeconds = 2 };
        await using var rig = new LedRig(options);
        await rig.StartAsync();

        rig.AdvanceTo(1000);
        rig.Press();
        rig.AdvanceTo(2999);
        Assert.Equal(0, rig.Reprovision.Count);
        rig.AdvanceTo(3000);

        Assert.Equal(1, rig.Reprovision.Count);
    }

    [Fact]
    public async Task Contact_bounce_within_the_debounce_time_counts_as_one_press()
    {
        await using var rig = new LedRig();
        rig.Uplink.OnConnected();
        rig.Recorder.SetRecording(true);
        await rig.StartAsync();

        rig.AdvanceTo(1000);
        foreach (var (ms, down) in new[] { (1000, true), (1002, false), (1004, true), (1009, false), (1012, true), (1300, false), (1303, true), (1305, false) })
        {
            rig.AdvanceTo(ms);
            if (down)
            {
                rig.Press();
            }
            else
            {
                rig.Release();
            }
        }

        rig.AdvanceTo(4000);

        Assert.Single(rig.Log.Entries, e => e.Message.Contains("blinking health code 1", StringComparison.Ordinal));
        Assert.Equal([(0, false), (2335, true), (2735, false)], rig.Waveform(LedRig.BuzzerPin, 4000));
    }

    [Fact]
    public async Task A_glitch_shorter_than_the_debounce_time_is_ignored()
    {
        await using var rig = new LedRig();
        await rig.StartAsync();

        rig.AdvanceTo(1000);
        rig.Press();
        rig.AdvanceTo(1010);
        rig.Release();
        rig.AdvanceTo(4000);

        Assert.DoesNotContain(rig.Log.Entries, e => e.Message.Contains("blinking health code", StringComparison.Ordinal));
        Assert.Equal([(0, false)], rig.Waveform(LedRig.BuzzerPin, 4000));
    }

    [Fact]
    public async Task A_button_held_while_the_agent_starts_does_nothing_until_pressed_again()
    {
        await using var rig = new LedRig();
        rig.Driver.SetInput(LedRig.ButtonPin, PinValue.Low);
        await rig.StartAsync();

        rig.AdvanceTo(10_000);
        rig.Release();
        rig.AdvanceTo(12_000);

        Assert.Equal(0, rig.Reprovision.Count);
        Assert.DoesNotContain(rig.Log.Entries, e => e.Message.Contains("blinking health code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_active_low_button_gets_the_pull_up_and_an_active_high_one_the_pull_down()
    {
        await using var low = new LedRig();
        await low.StartAsync();
        var highOptions = new GpioOptions { Enabled = true, StatusLedPin = LedRig.StatusPin, ButtonPin = LedRig.ButtonPin, ButtonActiveLow = false };
        await using var high = new LedRig(highOptions);
        await high.StartAsync();

        high.AdvanceTo(1000);
        high.Press();
        high.AdvanceTo(1200);
        high.Release();
        high.AdvanceTo(1300);

        Assert.Equal(PinMode.InputPullUp, low.Driver.OpenPins[LedRig.ButtonPin]);
        Assert.Equal(PinMode.InputPullDown, high.Driver.OpenPins[LedRig.ButtonPin]);
        Assert.Single(high.Log.Entries, e => e.Message.Contains("blinking health code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_internal_pull_resistor_the_button_is_a_plain_input_and_the_log_says_to_fit_one()
    {
        await using var rig = new LedRig();
        rig.Driver.UnsupportedModes.Add(PinMode.InputPullUp);
        await rig.StartAsync();

        Assert.Equal(PinMode.Input, rig.Driver.OpenPins[LedRig.ButtonPin]);
        Assert.Single(rig.Log.Entries, e => e.Message.Contains("external pull resistor", StringComparison.Ordinal));
    }
}
