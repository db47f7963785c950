using Iot.Edge.Agent.Outbox;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.AgentKills;

public sealed class AgentCrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Sigterm_mid_chunk_exits_cleanly_and_leaves_the_audio_so_far_as_a_valid_sealed_chunk()
    {
        var spool = _dir.Sub("spool");
        using var agent = SpoolAgentProcess.Start(spool, await SpeechAudio.WavAsync(20), chunkSeconds: 60);
        await WaitForPartialAsync(spool);
        await Task.Delay(2000);

        var exit = await agent.TerminateAsync();
        Assert.True(exit == 0, $"exit code {exit} after SIGTERM; last output:\n{agent.Tail}");

        using var outbox = new ChunkOutbox(spool, TimeProvider.System, NullLogger<ChunkOutbox>.Instance);
        var entry = Assert.Single(outbox.PeekReady(10, []));
        var metadata = ProtocolJson.TryDeserialize<ChunkMetadata>(System.Text.Encoding.UTF8.GetBytes(entry.MetadataJson), out _)!;
        Assert.InRange(metadata.DurationMs, 1500, 10_000);
        var audio = await File.ReadAllBytesAsync(outbox.SealedPath(entry));
        Assert.Equal(metadata.Sha256, ChunkValidator.Sha256Hex(audio));
        Assert.Equal(0, (await ExternalTool.RunAsync("opusinfo", [outbox.SealedPath(entry)])).ExitCode);
    }

    [Fact]
    public async Task Repeated_kill_9_leaves_a_consistent_outbox_with_gap_free_sequences()
    {
        var spool = _dir.Sub("spool");
        var wav = await SpeechAudio.WavAsync(20);
        var rounds = 3;
        for (var round = 0; round < rounds; round++)
        {
            var killedEarlier = Partials(spool);
            using var agent = SpoolAgentProcess.Start(spool, wav, chunkSeconds: 1);
            await WaitForPartialAsync(spool, killedEarlier);
            await Task.Delay(1500 + Random.Shared.Next(1000));
            await agent.KillAsync();
        }

        // Restart once more and stop cleanly: recovery must have run and numbering must continue.
        var leftByKills = Partials(spool);
        using (var agent = SpoolAgentProcess.Start(spool, wav, chunkSeconds: 1))
        {
            // A partial the killed agent left proves nothing about this one: wait for this agent's own, so SIGTERM
            // does not land before the runtime has installed its handler (exit 143 on a loaded machine).
            await WaitForPartialAsync(spool, leftByKills);
            await Task.Delay(1500);
            var exit = await agent.TerminateAsync();
            Assert.True(exit == 0, $"exit code {exit} after SIGTERM; last output:\n{agent.Tail}");
        }

        using var outbox = new ChunkOutbox(spool, TimeProvider.System, NullLogger<ChunkOutbox>.Instance);
        var entries = outbox.PeekReady(1000, []);
        Assert.NotEmpty(entries);
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Sequence));
        foreach (var entry in entries)
        {
            var metadata = ProtocolJson.TryDeserialize<ChunkMetadata>(System.Text.Encoding.UTF8.GetBytes(entry.MetadataJson), out _)!;
            Assert.Equal(metadata.Sha256, ChunkValidator.Sha256Hex(await File.ReadAllBytesAsync(outbox.SealedPath(entry))));
        }

        Assert.Empty(Directory.GetFiles(spool, "*" + ChunkOutbox.PartialSuffix));
        Assert.Equal(entries.Count, Directory.GetFiles(spool, "*" + ChunkOutbox.SealedSuffix).Length);
        output.WriteLine($"kill -9 x{rounds}: {entries.Count} sealed chunks, sequences 1..{entries.Count} contiguous, no partial or orphan files");
    }

    private static Task WaitForPartialAsync(string spool, IReadOnlySet<string>? notThese = null) =>
        Eventually.WaitAsync(() => Task.FromResult(Partials(spool).Any(p => notThese is null || !notThese.Contains(p))), TimeSpan.FromSeconds(20), "the agent is recording");

    private static HashSet<string> Partials(string spool) =>
        Directory.Exists(spool) ? [.. Directory.GetFiles(spool, "*" + ChunkOutbox.PartialSuffix)] : [];
}
