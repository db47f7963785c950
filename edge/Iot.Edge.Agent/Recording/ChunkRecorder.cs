using Iot.Edge.Agent.Encoding;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Recording;

/// <summary>
/// Pulls PCM from the audio source, cuts it into fixed-length chunks, encodes each to Ogg Opus in the spool and
/// commits it to the outbox. On stop the chunk in progress is sealed, so a service stop never loses audio.
/// </summary>
internal sealed partial class ChunkRecorder(
    IAudioSourceFactory sources,
    ChunkOutbox outbox,
    RecorderStatus status,
    IOptions<AgentOptions> agentOptions,
    IOptions<AudioOptions> audioOptions,
    TimeProvider time,
    ILogger<ChunkRecorder> logger) : BackgroundService
{
    private readonly AgentOptions _agent = agentOptions.Value;
    private readonly OpusSettings _opus = new()
    {
        BitrateBps = audioOptions.Value.BitrateBps,
        Complexity = audioOptions.Value.Complexity,
        AllowNative = audioOptions.Value.AllowNativeOpus,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        ChunkFile? chunk = null;
        try
        {
            await using var source = sources.Open();
            var opus = _opus with { SampleRate = source.SampleRate };
            var chunkSamples = (long)_agent.ChunkSeconds * source.SampleRate;
            var buffer = new short[source.SampleRate / 10];
            var anchor = time.GetUtcNow();
            long samplesSoFar = 0;
            var generation = source.Generation;
            status.SetRecording(true);
            LogStarted(source.Name, source.SampleRate, _agent.ChunkSeconds);

            while (!stoppingToken.IsCancellationRequested)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                if (read == 0)
                {
                    LogSourceEnded(source.Name);
                    break;
                }

                if (source.Generation != generation)
                {
                    // The microphone was lost and reopened: what came before the gap is one chunk, and the clock
                    // restarts now, not where the sample count would put it.
                    generation = source.Generation;
                    if (chunk is { Samples: > 0 })
                    {
                        Seal(chunk);
                    }
                    else
                    {
                        chunk?.Dispose();
                    }

                    chunk = null;
                    anchor = time.GetUtcNow().AddSeconds(-(double)read / source.SampleRate);
                    samplesSoFar = 0;
                }

                var pcm = buffer.AsSpan(0, read);
                while (!pcm.IsEmpty)
                {
                    chunk ??= OpenChunk(anchor, samplesSoFar, source.SampleRate, opus);

                    var take = (int)Math.Min(pcm.Length, chunkSamples - chunk!.Samples);
                    chunk.Write(pcm[..take]);
                    samplesSoFar += take;
                    pcm = pcm[take..];
                    if (chunk.Samples >= chunkSamples)
                    {
                        Seal(chunk);
                        chunk = null;
                    }
                }
            }
        }
        finally
        {
            if (chunk is { Samples: > 0 })
            {
                Seal(chunk);
            }
            else
            {
                chunk?.Dispose();
            }

            status.SetRecording(false);
            status.SourceFinished.TrySetResult();
        }
    }

    private ChunkFile OpenChunk(DateTimeOffset anchor, long samplesSoFar, int sampleRate, OpusSettings opus)
    {
        var id = Guid.CreateVersion7(time.GetUtcNow());
        return new ChunkFile(id, outbox.PartialPath(id), anchor.AddSeconds((double)samplesSoFar / sampleRate), opus, [$"DEVICE={_agent.DeviceId}"]);
    }

    private void Seal(ChunkFile chunk)
    {
        var startedAt = chunk.StartedAtUtc;
        var durationMs = (int)Math.Max(1, chunk.Samples * 1000 / chunk.SampleRate);
        var sampleRate = chunk.SampleRate;
        var (length, sha) = chunk.Seal();
        var metadata = outbox.Commit(chunk.Id, sequence => new ChunkMetadata
        {
            ChunkId = chunk.Id,
            TenantId = _agent.TenantId,
            DeviceId = _agent.DeviceId,
            Sequence = sequence,
            StartedAtUtc = startedAt,
            DurationMs = durationMs,
            SampleRate = sampleRate,
            Codec = AudioCodecs.OggOpus,
            ByteLength = length,
            Sha256 = sha,
        });
        status.ChunkSealed();
        LogSealed(metadata.ChunkId, metadata.Sequence, durationMs, length);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording from {Source} at {SampleRate} Hz in {ChunkSeconds} s chunks")]
    private partial void LogStarted(string source, int sampleRate, int chunkSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audio source {Source} ended")]
    private partial void LogSourceEnded(string source);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sealed chunk {ChunkId} #{Sequence}: {DurationMs} ms, {Bytes} bytes")]
    private partial void LogSealed(Guid chunkId, long sequence, int durationMs, int bytes);
}
