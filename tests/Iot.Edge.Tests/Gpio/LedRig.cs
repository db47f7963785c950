using System.Device.Gpio;
using Iot.Edge.Agent.Gpio;
using Iot.Edge.Agent.Health;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Agent.Uplink;
using Iot.Edge.Audio;
using Iot.Edge.Tests.Outbox;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Gpio;

/// <summary>
/// The status LED service on a fake GPIO chip, fed by the agent's real status objects and a real LiteDB outbox, on a
/// fake clock that the test advances. Pin numbers are the README's BCM defaults.
/// </summary>
internal sealed class LedRig : IAsyncDisposable
{
    public const int StatusPin = 17;
    public const int SecondPin = 27;
    public const int BuzzerPin = 22;
    public const int ButtonPin = 23;

    private readonly TempDirectory _dir = new();
    private readonly StatusLedService _service;
    private readonly DateTimeOffset _origin;

    public LedRig(GpioOptions? options = null, MicStatus? mic = null, double bootGraceSeconds = 0, IGpioControllerFactory? factory = null)
    {
        Time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _origin = Time.GetUtcNow();
        Options = options ?? new GpioOptions
        {
            Enabled = true,
            StatusLedPin = StatusPin,
            SecondLedPin = SecondPin,
            BuzzerPin = BuzzerPin,
            ButtonPin = ButtonPin,
        };
        Driver = new FakeGpioDriver(Time);
        Outbox = new ChunkOutbox(_dir.Sub("spool"), Time, NullLogger<ChunkOutbox>.Instance);
        var probe = new AgentHealthProbe(Outbox, Recorder, Uplink, Conditions, Microsoft.Extensions.Options.Options.Create(new HealthOptions { BootGraceSeconds = bootGraceSeconds }), Time, mic);
        Reprovision = new ReprovisionRequest(NullLogger<ReprovisionRequest>.Instance);
        Factory = factory ?? new FakeControllerFactory(Driver);
        _service = new StatusLedService(Microsoft.Extensions.Options.Options.Create(Options), Factory, probe, Reprovision, Blink, Time, Log);
    }

    public FakeTimeProvider Time { get; }

    public GpioOptions Options { get; }

    public FakeGpioDriver Driver { get; }

    public IGpioControllerFactory Factory { get; }

    public ChunkOutbox Outbox { get; }

    public RecorderStatus Recorder { get; } = new();

    public UplinkStatus Uplink { get; } = new();

    public AgentConditions Conditions { get; } = new();

    public ReprovisionRequest Reprovision { get; }

    public HealthCodeBlinkRequest Blink { get; } = new();

    public RecordingLogger<StatusLedService> Log { get; } = new();

    public BlinkPattern? Playing => _service.Playing;

    public Task? ExecuteTask => _service.ExecuteTask;

    public async Task StartAsync()
    {
        await _service.StartAsync(CancellationToken.None);
        await _service.Ready.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public Task StopAsync() => _service.StopAsync(CancellationToken.None);

    /// <summary>
    /// Moves the fake clock to <paramref name="ms"/> after the start in 1 ms steps, so a timer started by another
    /// timer's callback also fires on time within one call (one big jump would stamp it at the end).
    /// </summary>
    public void AdvanceTo(int ms)
    {
        var target = _origin.AddMilliseconds(ms);
        while (Time.GetUtcNow() < target)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    public void Press() => Driver.SetInput(ButtonPin, Options.ButtonActiveLow ? PinValue.Low : PinValue.High);

    public void Release() => Driver.SetInput(ButtonPin, Options.ButtonActiveLow ? PinValue.High : PinValue.Low);

    /// <summary>Level changes of <paramref name="pin"/> as (ms after start, high) up to <paramref name="untilMs"/>; same-instant writes keep the last.</summary>
    public IReadOnlyList<(int Ms, bool High)> Waveform(int pin, int untilMs)
    {
        var changes = new List<(int Ms, bool High)>();
        foreach (var w in Driver.Writes.Where(w => w.Pin == pin))
        {
            var ms = (int)(w.At - _origin).TotalMilliseconds;
            if (ms > untilMs)
            {
                break;
            }

            if (changes.Count > 0 && changes[^1].Ms == ms)
            {
                changes.RemoveAt(changes.Count - 1);
            }

            if (changes.Count == 0 || changes[^1].High != w.High)
            {
                changes.Add((ms, w.High));
            }
        }

        return changes;
    }

    public void CommitBacklog(int chunks)
    {
        for (var i = 0; i < chunks; i++)
        {
            OutboxChunks.Commit(Outbox, Time.GetUtcNow(), bytes: 100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _service.Dispose();
        Outbox.Dispose();
        _dir.Dispose();
    }

    private sealed class FakeControllerFactory(FakeGpioDriver driver) : IGpioControllerFactory
    {
        public GpioController Open(GpioOptions options) => new(driver);
    }
}
