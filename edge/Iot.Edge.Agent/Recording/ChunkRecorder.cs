using Iot.Edge.Agent.Encoding;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Speech;
using Iot.Edge.Agent.Transcription;
using Iot.Edge.Audio;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Iot.Protocol.Audio;

namespace Iot.Edge.Agent.Recording;

/// <summary>
/// Pulls PCM from the audio source continuously and, while the <see cref="RecordingController"/> allows it, cuts it
/// into fixed-length chunks encoded to Ogg Opus in the spool and committed to the outbox. A chunk ends at its
/// length, when recording stops, when the visit changes, when the microphone was lost, and on service stop, so a
/// stop never loses audio. Time comes from a capture clock (start instant + samples read), which stays exact while
/// audio is being discarded between recordings.
/// </summary>
internal sealed partial class ChunkRecorder(
    IAudioSourceFactory sources,
    SpeechDetectorFactory speech,
    ITranscriptionQueue transcription,
    ChunkOutbox outbox,
    RecordingController controller,
    RecorderStatus status,
    IOptions<AgentOptions> agentOptions,
    IOptions<AudioOptions> audioOptions,
    TimeProvider time,
    ILogger<ChunkRecorder> logger) : BackgroundService
{
    private static readonly TimeSpan DiskErrorPause = TimeSpan.FromSeconds(5);

    /// <summary>How long beyond its own length a chunk may wait for its transcript before it is sent without.</summary>
    private static readonly TimeSpan TranscriptHoldMargin = TimeSpan.FromSeconds(60);
    private readonly AgentOptions _agent = agentOptions.Value;
    private readonly OpusSettings _opus = new()
    {
        BitrateBps = audioOptions.Value.BitrateBps,
        Complexity = audioOptions.Value.Complexity,
        AllowNative = audioOptions.Value.AllowNativeOpus,
        Signal = audioOptions.Value.OpusSignal,
    };

    private ChunkFile? _chunk;
    private short[]? _pcm;
    private CancellationToken _stopping;
    private SpeechTracker? _vad;
    private UploadMode _upload;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using var source = sources.Open();
            using var vad = speech.CreateTracker(source.SampleRate);
            _vad = vad;
            var opus = _opus with { SampleRate = source.SampleRate };
            var chunkSamples = (long)_agent.ChunkSeconds * source.SampleRate;
            _stopping = stoppingToken;

            // On-device transcription needs the chunk's PCM after sealing; kept only when it is switched on.
            _pcm = transcription.Enabled ? new short[chunkSamples] : null;
            var buffer = new short[source.SampleRate / 10];
            CaptureClock? clock = null;
            var generation = source.Generation;
            var discardUntil = DateTimeOffset.MinValue;
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

                if (clock is null || source.Generation != generation)
                {
                    // First block, or the microphone was lost and reopened (the samples are no longer continuous):
                    // a read returns once its block has been captured, so the block began one block-length ago.
                    generation = source.Generation;
                    CloseChunk();
                    clock = new CaptureClock(time.GetUtcNow().AddSeconds(-(double)read / source.SampleRate), source.SampleRate);
                    vad.Reset();
                }

                // Detection runs on everything heard, recorded or not, so it is warmed up when a recording starts.
                vad.Feed(buffer.AsSpan(0, read));
                _upload = controller.Upload;
                var decision = controller.Evaluate();
                status.SetDecision(decision);
                // A chunk belongs to one visit and one operator, so a change of either starts a new one.
                if (!decision.Record || (_chunk is not null && (_chunk.TransactionId != decision.TransactionId || _chunk.Operator != decision.Operator)))
                {
                    CloseChunk();
                }

                if (!decision.Record || time.GetUtcNow() < discardUntil)
                {
                    clock.Advance(read);
                    continue;
                }

                try
                {
                    Record(buffer.AsSpan(0, read), decision, clock, chunkSamples, opus);
                }
                catch (Exception ex) when (ex is IOException or LiteDB.LiteException)
                {
                    // Disk full or failing: drop the chunk in progress, keep the agent and its backlog alive, try later.
                    _chunk?.Discard();
                    _chunk = null;
                    status.ChunkLost();
                    discardUntil = time.GetUtcNow() + DiskErrorPause;
                    LogWriteFailed(ex, outbox.SpoolDirectory);
                }
            }
        }
        finally
        {
            CloseChunk();
            status.SetRecording(false);
            status.SourceFinished.TrySetResult();
        }
    }

    private void Record(ReadOnlySpan<short> pcm, RecordingDecision decision, CaptureClock clock, long chunkSamples, OpusSettings opus)
    {
        while (!pcm.IsEmpty)
        {
            _chunk ??= OpenChunk(clock.Now, clock.Samples, decision, opus);
            var take = (int)Math.Min(pcm.Length, chunkSamples - _chunk.Samples);
            if (_pcm is not null)
            {
                pcm[..take].CopyTo(_pcm.AsSpan((int)_chunk.Samples));
            }

            _chunk.Write(pcm[..take]);
            clock.Advance(take);
            pcm = pcm[take..];
            if (_chunk.Samples >= chunkSamples)
            {
                var full = _chunk;
                _chunk = null;
                try
                {
                    Seal(full);
                }
                catch (Exception) when (Discard(full))
                {
                    throw;
                }
            }
        }
    }

    private void CloseChunk()
    {
        var chunk = _chunk;
        _chunk = null;
        if (chunk is null)
        {
            return;
        }

        if (chunk.Samples == 0)
        {
            chunk.Discard();
            return;
        }

        try
        {
            Seal(chunk);
        }
        catch (Exception ex) when (ex is IOException or LiteDB.LiteException)
        {
            chunk.Discard();
            status.ChunkLost();
            LogWriteFailed(ex, outbox.SpoolDirectory);
        }
    }

    /// <summary>Waits for the chunk's transcript (bounded by the hold) and hands the chunk to the uplink either way.</summary>
    private async Task AttachTranscriptAsync(Guid chunkId, TimeSpan hold)
    {
        try
        {
            var transcript = await transcription.WaitAsync(chunkId, hold, _stopping).ConfigureAwait(false);
            outbox.AttachTranscript(chunkId, transcript);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the hold expires by itself and the chunk goes without transcript after restart.
        }
        catch (Exception ex) when (ex is IOException or LiteDB.LiteException)
        {
            LogAttachFailed(ex, chunkId);
        }
    }

    private static bool Discard(ChunkFile chunk)
    {
        chunk.Discard();
        return false;
    }

    private ChunkFile OpenChunk(DateTimeOffset startedAt, long startSample, RecordingDecision decision, OpusSettings opus)
    {
        var id = Guid.CreateVersion7(time.GetUtcNow());
        return new ChunkFile(id, outbox.PartialPath(id), startedAt, startSample, decision.TransactionId, opus, [$"DEVICE={_agent.DeviceId}"])
        {
            Operator = decision.Operator,
        };
    }

    private void Seal(ChunkFile chunk)
    {
        var durationMs = (int)Math.Max(1, chunk.Samples * 1000 / chunk.SampleRate);
        var sampleRate = chunk.SampleRate;
        var segments = _vad?.TakeSegments(chunk.StartSample, chunk.StartSample + chunk.Samples) ?? [];
        var withAudio = _upload == UploadMode.Continuous || segments.Count > 0;
        var (length, sha) = chunk.Seal();
        if (!withAudio)
        {
            // Speech-only: the audio is deleted here and now; only the fact that the device listened travels.
            File.Delete(chunk.PartialPath);
            (length, sha) = (0, ChunkValidator.Sha256Hex([]));
        }

        var transcribing = withAudio && _pcm is not null
            && TranscriptionRequest.ForChunk(chunk.Id, _pcm.AsSpan(0, (int)chunk.Samples), sampleRate, segments) is { } request
            && transcription.TryEnqueue(request);
        var hold = TimeSpan.FromMilliseconds(durationMs) + TranscriptHoldMargin;
        var metadata = outbox.Commit(chunk.Id, sequence => new ChunkMetadata
        {
            ChunkId = chunk.Id,
            TenantId = _agent.TenantId,
            DeviceId = _agent.DeviceId,
            Sequence = sequence,
            StartedAtUtc = chunk.StartedAtUtc,
            DurationMs = durationMs,
            SampleRate = sampleRate,
            Codec = AudioCodecs.OggOpus,
            ByteLength = length,
            Sha256 = sha,
            TransactionId = chunk.TransactionId,
            OperatorId = chunk.Operator,
            SpeechSegments = withAudio ? segments : [],
            AudioIncluded = withAudio,
        }, transcribing ? hold : null);
        if (transcribing)
        {
            _ = AttachTranscriptAsync(chunk.Id, hold);
        }

        status.ChunkSealed();
        LogSealed(metadata.ChunkId, metadata.Sequence, durationMs, length, metadata.TransactionId, segments.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Capturing from {Source} at {SampleRate} Hz in {ChunkSeconds} s chunks")]
    private partial void LogStarted(string source, int sampleRate, int chunkSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audio source {Source} ended")]
    private partial void LogSourceEnded(string source);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sealed chunk {ChunkId} #{Sequence}: {DurationMs} ms, {Bytes} bytes, visit {TransactionId}, {Segments} speech segment(s)")]
    private partial void LogSealed(Guid chunkId, long sequence, int durationMs, int bytes, string? transactionId, int segments);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not attach the transcript of chunk {ChunkId}; it goes without")]
    private partial void LogAttachFailed(Exception exception, Guid chunkId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing to the spool {Spool} failed; the chunk in progress is lost, recording resumes in 5 s")]
    private partial void LogWriteFailed(Exception exception, string spool);
}
