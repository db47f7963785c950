using Iot.Edge.Agent.Outbox;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Iot.Edge.Tests.Outbox;

/// <summary>
/// The uplink reads a chunk's sealed file as soon as the outbox lists the chunk. Regression: the entry became visible
/// before its partial file was renamed, so a draining uplink could find no file and quarantine a good chunk for
/// ever (seen once in ~10 runs of the embedded-broker restart fault test).
/// </summary>
public sealed class CommitVisibilityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_chunk_listed_as_ready_always_has_its_sealed_file()
    {
        using var outbox = new ChunkOutbox(_dir.Sub("spool"), TimeProvider.System, NullLogger<ChunkOutbox>.Instance);
        using var done = new CancellationTokenSource();
        var seen = 0;
        var missing = new List<long>();
        var reader = Task.Run(() =>
        {
            var handled = new HashSet<Guid>();
            while (!done.IsCancellationRequested)
            {
                foreach (var entry in outbox.PeekReady(64, handled))
                {
                    handled.Add(entry.Id);
                    seen++;
                    if (!File.Exists(outbox.SealedPath(entry)))
                    {
                        missing.Add(entry.Sequence);
                    }
                }
            }
        });

        for (var i = 0; i < 400; i++)
        {
            OutboxChunks.Commit(outbox, DateTimeOffset.UtcNow, bytes: 64);
        }

        await Task.Delay(200);
        await done.CancelAsync();
        await reader;
        Assert.True(seen > 0, "the reader saw no chunk");
        Assert.Empty(missing);
    }
}
