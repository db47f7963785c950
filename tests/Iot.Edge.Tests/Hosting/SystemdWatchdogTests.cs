using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Uplink;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Hosting;

public class SystemdWatchdogTests
{
    [Fact]
    public async Task The_watchdog_is_pinged_while_the_uplink_loop_turns_and_withheld_when_it_stalls()
    {
        var time = new FakeTimeProvider();
        var uplink = new UplinkStatus();
        var notifier = new RecordingNotifier();
        using var watchdog = new SystemdWatchdog(uplink, time, NullLogger<SystemdWatchdog>.Instance, notifier, new WatchdogInterval(TimeSpan.FromSeconds(30)));
        await watchdog.StartAsync(CancellationToken.None);
        await Task.Delay(100); // ExecuteAsync starts on a pool thread (.NET 10) and creates its timer there

        for (var i = 0; i < 4; i++)
        {
            uplink.Beat(time.GetTimestamp());
            time.Advance(TimeSpan.FromSeconds(15));
            await Task.Delay(20);
        }

        Assert.Equal(4, notifier.Pings);

        time.Advance(TimeSpan.FromSeconds(15));
        await Task.Delay(20);
        time.Advance(TimeSpan.FromSeconds(15));
        await Task.Delay(20);

        Assert.Equal(4, notifier.Pings);
        await watchdog.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Outside_systemd_the_watchdog_does_nothing()
    {
        using var watchdog = new SystemdWatchdog(new UplinkStatus(), TimeProvider.System, NullLogger<SystemdWatchdog>.Instance);

        await watchdog.StartAsync(CancellationToken.None);

        await watchdog.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(watchdog.ExecuteTask.IsCompletedSuccessfully);
    }

    private sealed class RecordingNotifier : ISystemdNotifier
    {
        public int Pings { get; private set; }

        public bool IsEnabled => true;

        public void Notify(ServiceState state)
        {
            if (state.ToString() == "WATCHDOG=1")
            {
                Pings++;
            }
        }
    }
}
