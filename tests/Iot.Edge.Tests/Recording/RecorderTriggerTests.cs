using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Tests.Hosting;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Recording;

public sealed class RecorderTriggerTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly ScriptedAudioSource _mic = new();
    private FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private IHost _host = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _mic.End();
        await _host.StopAsync();
        _host.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Each_visit_becomes_its_own_chunks_with_its_transaction_id_and_audio_between_visits_is_dropped()
    {
        await StartAsync(new() { ["Recording:Trigger"] = "Visits" });
        var controller = _host.Services.GetRequiredService<RecordingController>();

        await PlayAsync(1.0);
        controller.Handle(new AgentEvent("visit_call", "t-100", "anna"));
        await PlayAsync(2.0);
        controller.Handle(new AgentEvent("visit_end", "t-100"));
        await PlayAsync(1.0);
        controller.Handle(new AgentEvent("visit_call", "t-101"));
        await PlayAsync(1.5);
        controller.Handle(new AgentEvent("visit_finish", "t-101"));
        await PlayAsync(0.5);

        var chunks = Chunks();
        Assert.Equal(["t-100", "t-101"], chunks.Select(c => c.TransactionId));
        Assert.Equal([2000, 1500], chunks.Select(c => c.DurationMs));
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T10:00:01Z", System.Globalization.CultureInfo.InvariantCulture), chunks[0].StartedAtUtc);
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T10:00:04Z", System.Globalization.CultureInfo.InvariantCulture), chunks[1].StartedAtUtc);
    }

    [Fact]
    public async Task Audio_is_recorded_only_inside_working_hours_in_the_stores_time_zone()
    {
        // 04:59:59 UTC is 07:59:59 in Istanbul; the store is open 08:00-08:01 on Wednesdays.
        _time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T04:59:59Z", System.Globalization.CultureInfo.InvariantCulture));
        await StartAsync(new() { ["Recording:Trigger"] = "Schedule", ["Recording:TimeZone"] = "Europe/Istanbul", ["Recording:Schedule:Wed"] = "08:00-08:01" });

        await PlayAsync(63.0);

        // A block is judged when it has been captured, so the one ending at 08:00:00.0 is the first inside.
        var chunk = Assert.Single(Chunks());
        Assert.Equal(60_000, chunk.DurationMs);
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T04:59:59.9Z", System.Globalization.CultureInfo.InvariantCulture), chunk.StartedAtUtc);
        Assert.Equal("outside-schedule", _host.Services.GetRequiredService<RecorderStatus>().Snapshot.Reason);
    }

    [Fact]
    public async Task A_microphone_gap_ends_the_chunk_and_the_next_one_starts_at_the_real_time()
    {
        await StartAsync(new() { ["Recording:Trigger"] = "Always" });
        await PlayAsync(1.0);

        _time.Advance(TimeSpan.FromSeconds(30)); // unplugged for 30 s
        _mic.Generation++;
        await PlayAsync(1.0);
        _mic.End();
        await _host.Services.GetRequiredService<RecorderStatus>().SourceFinished.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var chunks = Chunks();
        Assert.Equal(2, chunks.Count);
        Assert.Equal(TimeSpan.FromSeconds(31), chunks[1].StartedAtUtc - chunks[0].StartedAtUtc);
    }

    private async Task PlayAsync(double seconds)
    {
        for (var i = 0; i < seconds * 10; i++)
        {
            // A real microphone hands over a block once its 100 ms have passed.
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await _mic.PushAsync(Enumerable.Repeat((short)1000, 1600).ToArray());
        }
    }

    private List<ChunkMetadata> Chunks()
    {
        var outbox = _host.Services.GetRequiredService<ChunkOutbox>();
        return outbox.PeekReady(100, [])
            .Select(e => ProtocolJson.TryDeserialize<ChunkMetadata>(System.Text.Encoding.UTF8.GetBytes(e.MetadataJson), out _)!)
            .ToList();
    }

    private async Task StartAsync(Dictionary<string, string?> overrides)
    {
        var settings = await AgentHostTests.ValidSettingsAsync(_dir);
        foreach (var (k, v) in overrides)
        {
            settings[k] = v;
        }

        settings["Agent:ChunkSeconds"] = "60";
        var builder = AgentHost.CreateBuilder([], settings);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton<IAudioSourceFactory>(_mic);
        _host = builder.Build();
        await _host.StartAsync();
    }
}
