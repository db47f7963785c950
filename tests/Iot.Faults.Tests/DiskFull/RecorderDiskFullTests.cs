using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Tests.Recording;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.DiskFull;

/// <summary>
/// The agent host in-process with its spool on a real, tiny tmpfs: the disk really fills up. Needs root (as CI and
/// tests/test.sh run). The process-level counterpart, with a broker and upload, is <see cref="SpoolDiskFullTests"/>.
/// </summary>
public sealed class RecorderDiskFullTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly ScriptedAudioSource _mic = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private string Spool => _dir.Sub("spool");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Spool);
        await ExternalTool.RunCheckedAsync("mount", ["-t", "tmpfs", "-o", "size=192k", "tmpfs", Spool]);
    }

    public async Task DisposeAsync()
    {
        await ExternalTool.RunAsync("umount", [Spool]);
        _dir.Dispose();
    }

    [Fact]
    public async Task A_full_spool_loses_only_the_chunk_being_written_and_recording_resumes_when_space_returns()
    {
        var settings = await SettingsAsync();
        var builder = AgentHost.CreateBuilder([], settings);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton<IAudioSourceFactory>(_mic);
        using var host = builder.Build();
        await host.StartAsync();
        var status = host.Services.GetRequiredService<RecorderStatus>();
        var outbox = host.Services.GetRequiredService<ChunkOutbox>();

        for (var second = 0; second < 120 && status.ChunksLost == 0; second++)
        {
            await PlayNoiseAsync(1);
        }

        Assert.True(status.ChunksLost > 0, "the spool never filled up");
        var sealedWhenFull = status.ChunksSealed;
        await AssertConsistentAsync(outbox);

        await ExternalTool.RunCheckedAsync("mount", ["-o", "remount,size=8m", Spool]);
        await PlayNoiseAsync(12);

        Assert.True(status.ChunksSealed >= sealedWhenFull + 5, $"recording did not resume: {sealedWhenFull} then {status.ChunksSealed}");
        var entries = await AssertConsistentAsync(outbox);
        output.WriteLine($"disk full: sealed {sealedWhenFull} before, lost {status.ChunksLost}, {entries} consistent chunks after space returned");
        _mic.End();
        await host.StopAsync();
    }

    /// <summary>The agent's settings for a device with no cloud (as Iot.Edge.Tests' AgentHostTests uses), spool on the tmpfs.</summary>
    private async Task<Dictionary<string, string?>> SettingsAsync() => new()
    {
        ["Agent:TenantId"] = "acme",
        ["Agent:DeviceId"] = "pos-1",
        ["Agent:SpoolDirectory"] = Spool,
        ["Agent:ChunkSeconds"] = "1",
        ["Audio:WavPath"] = await SpeechAudio.WavAsync(3.27),
        ["Audio:RealTime"] = "false",
        ["Recording:Trigger"] = "Always",
        ["Recording:Upload"] = "Continuous",
        // Nothing listens here: this test exercises the device side alone.
        ["Mqtt:Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Health:Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Serilog:MinimumLevel:Default"] = "Error",
    };

    private async Task<int> AssertConsistentAsync(ChunkOutbox outbox)
    {
        var entries = outbox.PeekReady(10_000, []);
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Sequence));
        foreach (var entry in entries)
        {
            var metadata = ProtocolJson.TryDeserialize<ChunkMetadata>(System.Text.Encoding.UTF8.GetBytes(entry.MetadataJson), out _)!;
            Assert.Equal(metadata.Sha256, ChunkValidator.Sha256Hex(await File.ReadAllBytesAsync(outbox.SealedPath(entry))));
        }

        return entries.Count;
    }

    private async Task PlayNoiseAsync(int seconds)
    {
        for (var i = 0; i < seconds * 10; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            var block = new short[1600];
            for (var j = 0; j < block.Length; j++)
            {
                block[j] = (short)Random.Shared.Next(-8000, 8000);
            }

            await _mic.PushAsync(block);
        }
    }
}
