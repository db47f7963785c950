using System.Collections.Concurrent;
using System.Threading.Channels;
using Iot.Protocol.Messages;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Transcription;

/// <summary>
/// Transcribes sealed chunks one at a time in the background. The queue is bounded and never waited on: a chunk
/// that finds it full is counted and uploaded without a transcript, because audio must never queue behind the CPU.
/// </summary>
internal sealed partial class TranscriptionWorker : BackgroundService, ITranscriptionQueue
{
    private readonly TranscriptionOptions _options;
    private readonly TranscriptionStats _stats;
    private readonly TimeProvider _time;
    private readonly ILogger<TranscriptionWorker> _logger;
    private readonly Channel<TranscriptionRequest> _queue;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<ChunkTranscript?>> _results = new();

    // Results nobody asked for (chunk sent before it was ready, agent restarted the uplink) are forgotten oldest first.
    private readonly ConcurrentQueue<Guid> _resultOrder = new();
    private readonly int _maxRetained;
    private WhisperTranscriber? _transcriber;

    public TranscriptionWorker(IOptions<TranscriptionOptions> options, TranscriptionStats stats, TimeProvider time, ILogger<TranscriptionWorker> logger)
    {
        _options = options.Value;
        _stats = stats;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<TranscriptionRequest>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _maxRetained = (_options.QueueCapacity * 2) + 16;
    }

    public bool Enabled => true;

    public bool TryEnqueue(TranscriptionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.SampleRate != WhisperTranscriber.SampleRate)
        {
            throw new ArgumentException($"transcription takes {WhisperTranscriber.SampleRate} Hz mono PCM, got {request.SampleRate} Hz", nameof(request));
        }

        if (request.Speech.Count == 0)
        {
            throw new ArgumentException("speech spans are required; pass one span covering the chunk when there is no voice detection", nameof(request));
        }

        if (request.Pcm.Length > (long)_options.MaxAudioSeconds * WhisperTranscriber.SampleRate)
        {
            _stats.OnDroppedTooLong();
            LogTooLong(request.ChunkId, request.Pcm.Length / WhisperTranscriber.SampleRate, _options.MaxAudioSeconds);
            return false;
        }

        var result = new TaskCompletionSource<ChunkTranscript?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_results.TryAdd(request.ChunkId, result))
        {
            return false;
        }

        if (!_queue.Writer.TryWrite(request))
        {
            _results.TryRemove(request.ChunkId, out _);
            _stats.OnDroppedQueueFull();
            LogQueueFull(request.ChunkId, _options.QueueCapacity);
            return false;
        }

        _stats.OnAccepted();
        _resultOrder.Enqueue(request.ChunkId);
        ForgetOldResults();
        return true;
    }

    public async Task<ChunkTranscript?> WaitAsync(Guid chunkId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_results.TryGetValue(chunkId, out var result))
        {
            return null;
        }

        try
        {
            var transcript = await result.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            _results.TryRemove(chunkId, out _);
            return transcript;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Loading here, not on the first chunk, is what turns a bad model file into a start-up error.
        var started = _time.GetTimestamp();
        _transcriber = WhisperTranscriber.Load(_options);
        LogLoaded(_options.ModelPath, _options.Language, _options.Threads, (long)_time.GetElapsedTime(started).TotalMilliseconds);
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var pending in _results.Values)
        {
            pending.TrySetResult(null);
        }

        if (_transcriber is not null)
        {
            await _transcriber.DisposeAsync().ConfigureAwait(false);
            _transcriber = null;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var transcriber = _transcriber ?? throw new InvalidOperationException("started without a model");
        try
        {
            await foreach (var request in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                _results.TryGetValue(request.ChunkId, out var result);
                try
                {
                    var transcript = await TranscribeAsync(transcriber, request, stoppingToken).ConfigureAwait(false);
                    result?.TrySetResult(transcript);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    result?.TrySetResult(null);
                    break;
                }
                catch (Exception ex)
                {
                    // One bad chunk must not stop transcription of the next; it goes out without a transcript.
                    _stats.OnFailed();
                    LogFailed(ex, request.ChunkId);
                    result?.TrySetResult(null);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<ChunkTranscript> TranscribeAsync(WhisperTranscriber transcriber, TranscriptionRequest request, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        var heard = await transcriber.TranscribeAsync(request.Pcm, request.SampleRate, ct).ConfigureAwait(false);
        var transcript = TranscriptTimeline.ToChunkTime(heard, request.Speech, request.ChunkDurationMs);
        var elapsedMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        var audioMs = request.Pcm.Length * 1000L / WhisperTranscriber.SampleRate;
        _stats.OnTranscribed(audioMs, elapsedMs);
        LogTranscribed(request.ChunkId, audioMs, elapsedMs, transcript.Segments.Count, transcript.Language);
        return transcript;
    }

    private void ForgetOldResults()
    {
        while (_resultOrder.Count > _maxRetained && _resultOrder.TryDequeue(out var oldest))
        {
            if (_results.TryGetValue(oldest, out var result) && result.Task.IsCompleted)
            {
                _results.TryRemove(oldest, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Whisper model {ModelPath} loaded (language {Language}, {Threads} threads) in {ElapsedMs} ms")]
    private partial void LogLoaded(string? modelPath, string language, int threads, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transcribed chunk {ChunkId}: {AudioMs} ms of speech in {ElapsedMs} ms, {Segments} segments, language {Language}")]
    private partial void LogTranscribed(Guid chunkId, long audioMs, long elapsedMs, int segments, string language);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transcription queue full ({Capacity}): chunk {ChunkId} goes out without a transcript")]
    private partial void LogQueueFull(Guid chunkId, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chunk {ChunkId} has {Seconds} s of speech, over Transcription:MaxAudioSeconds {Max}: not transcribed")]
    private partial void LogTooLong(Guid chunkId, int seconds, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "Transcribing chunk {ChunkId} failed; it goes out without a transcript")]
    private partial void LogFailed(Exception exception, Guid chunkId);
}
