using System.Device.Gpio;
using Iot.Edge.Agent.Gpio;
using Iot.Edge.Audio;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Tests.Gpio;

/// <summary>Pin waveforms on a fake chip, for the conditions a technician meets; times in ms after start.</summary>
public class StatusLedServiceTests
{
    [Fact]
    public async Task Recording_keeps_the_led_on_with_a_short_gap_every_two_seconds()
    {
        await using var rig = new LedRig();
        rig.Uplink.OnConnected();
        rig.Recorder.SetRecording(true);
        await rig.StartAsync();

        rig.AdvanceTo(6000);

        Assert.Equal([(0, true), (1900, false), (2000, true), (3900, false), (4000, true), (5900, false), (6000, true)], rig.Waveform(LedRig.StatusPin, 6000));
        Assert.Equal([(0, false)], rig.Waveform(LedRig.SecondPin, 6000));
        Assert.Equal([(0, false)], rig.Waveform(LedRig.BuzzerPin, 6000));
    }

    [Fact]
    public async Task Idle_outside_the_schedule_flashes_briefly_every_three_seconds()
    {
        await using var rig = new LedRig();
        rig.Uplink.OnConnected();
        await rig.StartAsync();

        rig.AdvanceTo(6500);

        Assert.Equal([(0, true), (100, false), (3000, true), (3100, false), (6000, true), (6100, false)], rig.Waveform(LedRig.StatusPin, 6500));
    }

    [Fact]
    public async Task A_missing_microphone_blinks_four_lights_the_second_led_and_beeps_only_on_entry()
    {
        await using var rig = new LedRig(mic: new MicStatus());
        rig.Uplink.OnConnected();
        rig.Recorder.SetRecording(true);
        await rig.StartAsync();

        rig.AdvanceTo(7100);

        Assert.Equal(
            [(0, true), (200, false), (500, true), (700, false), (1000, true), (1200, false), (1500, true), (1700, false),
             (3500, true), (3700, false), (4000, true), (4200, false), (4500, true), (4700, false), (5000, true), (5200, false), (7000, true)],
            rig.Waveform(LedRig.StatusPin, 7100));
        Assert.Equal([(0, true)], rig.Waveform(LedRig.SecondPin, 7100));
        Assert.Equal([(0, true), (200, false)], rig.Waveform(LedRig.BuzzerPin, 7100));
    }

    [Fact]
    public async Task Offline_with_a_backlog_blinks_three_and_returns_to_recording_once_the_broker_answers()
    {
        await using var rig = new LedRig();
        rig.Recorder.SetRecording(true);
        rig.CommitBacklog(3);
        await rig.StartAsync();
        rig.AdvanceTo(3200);
        Assert.Same(LedPatternSelector.OfflineWithBacklog, rig.Playing);

        rig.Uplink.OnConnected();
        rig.AdvanceTo(6000);

        Assert.Equal(
            [(0, true), (200, false), (500, true), (700, false), (1000, true), (1200, false), (3000, true), (3200, false), (3500, true), (3700, false),
             (4000, true), (5900, false), (6000, true)],
            rig.Waveform(LedRig.StatusPin, 6000));
        Assert.Equal([(0, false)], rig.Waveform(LedRig.SecondPin, 6000));
        Assert.Same(LedPatternSelector.Recording, rig.Playing);
    }

    [Fact]
    public async Task An_error_outranks_a_missing_microphone_and_the_device_falls_back_when_it_clears()
    {
        await using var rig = new LedRig(mic: new MicStatus());
        rig.Recorder.SetRecording(true);
        rig.CommitBacklog(1);
        rig.Conditions.AwaitingProvisioning = true;
        await rig.StartAsync();
        Assert.Same(LedPatternSelector.MicMissing, rig.Playing);

        rig.Conditions.RaiseFault("test", "spool card read-only");
        rig.AdvanceTo(1000);
        Assert.Same(LedPatternSelector.Error, rig.Playing);
        rig.AdvanceTo(5000);

        rig.Conditions.ClearFault("test");
        rig.AdvanceTo(6000);
        Assert.Same(LedPatternSelector.MicMissing, rig.Playing);

        // Mic missing beeps once; the error beeps five times on entry and flashes the red LED along; then it is steady again.
        Assert.Equal(
            [(0, true), (200, false), (1000, true), (1200, false), (1500, true), (1700, false), (2000, true), (2200, false), (2500, true), (2700, false), (3000, true), (3200, false)],
            rig.Waveform(LedRig.BuzzerPin, 5000));
        Assert.Equal(
            [(0, true), (1200, false), (1500, true), (1700, false), (2000, true), (2200, false), (2500, true), (2700, false), (3000, true), (3200, false),
             (5000, true), (5200, false), (5500, true), (5700, false), (6000, true)],
            rig.Waveform(LedRig.SecondPin, 6000));
    }

    [Fact]
    public async Task Booting_flickers_until_the_first_connection_even_with_problems_pending()
    {
        await using var rig = new LedRig(mic: new MicStatus(), bootGraceSeconds: 15);
        rig.CommitBacklog(2);
        await rig.StartAsync();

        rig.AdvanceTo(1000);
        Assert.Equal([(0, true), (100, false), (200, true), (300, false), (400, true), (500, false), (600, true), (700, false), (800, true), (900, false), (1000, true)], rig.Waveform(LedRig.StatusPin, 1000));

        rig.Uplink.OnConnected();
        rig.AdvanceTo(2000);
        Assert.Same(LedPatternSelector.MicMissing, rig.Playing);
    }

    [Fact]
    public async Task Booting_ends_after_the_grace_period_when_the_broker_never_answers()
    {
        await using var rig = new LedRig(bootGraceSeconds: 5);
        rig.CommitBacklog(2);
        await rig.StartAsync();
        Assert.Same(LedPatternSelector.Booting, rig.Playing);

        rig.AdvanceTo(4000);
        Assert.Same(LedPatternSelector.Booting, rig.Playing);
        rig.AdvanceTo(5000);
        Assert.Same(LedPatternSelector.OfflineWithBacklog, rig.Playing);
    }

    [Fact]
    public async Task Stopping_the_service_turns_every_output_off_and_releases_the_chip()
    {
        var rig = new LedRig(mic: new MicStatus());
        await rig.StartAsync();
        rig.AdvanceTo(100);
        Assert.True(rig.Driver.OpenPins.ContainsKey(LedRig.SecondPin));

        await rig.DisposeAsync();

        Assert.False(rig.Driver.Writes.Last(w => w.Pin == LedRig.StatusPin).High);
        Assert.False(rig.Driver.Writes.Last(w => w.Pin == LedRig.SecondPin).High);
        Assert.False(rig.Driver.Writes.Last(w => w.Pin == LedRig.BuzzerPin).High);
        Assert.Empty(rig.Driver.OpenPins);
        Assert.Equal(0, rig.Driver.CallbackCount);
        Assert.True(rig.Driver.Disposed);
    }

    [Fact]
    public async Task Only_the_status_led_is_driven_when_no_other_pin_is_configured()
    {
        await using var rig = new LedRig(new GpioOptions { Enabled = true, StatusLedPin = 5 });
        rig.Uplink.OnConnected();
        rig.Recorder.SetRecording(true);
        await rig.StartAsync();

        rig.AdvanceTo(2000);

        Assert.Equal([5], rig.Driver.OpenPins.Keys);
        Assert.Equal(PinMode.Output, rig.Driver.OpenPins[5]);
        Assert.Equal([(0, true), (1900, false), (2000, true)], rig.Waveform(5, 2000));
    }

    [Fact]
    public async Task A_disabled_section_touches_no_pin()
    {
        await using var rig = new LedRig(new GpioOptions { Enabled = false, StatusLedPin = LedRig.StatusPin });
        await rig.StartAsync();
        rig.AdvanceTo(5000);

        Assert.Empty(rig.Driver.Writes);
        Assert.Empty(rig.Driver.OpenPins);
        Assert.Null(rig.Playing);
        Assert.DoesNotContain(rig.Log.Entries, e => e.Level >= LogLevel.Warning);
    }
}
