namespace Iot.Edge.Agent.Transcription;

/// <summary>Counters for telemetry: how many chunks went out without a transcript, and why; how fast the recogniser is.</summary>
public sealed class TranscriptionStats
{
    private long _accepted;
    private long _transcribed;
    private long _droppedQueueFull;
    private long _droppedTooLong;
    private long _failed;
    private long _audioMs;
    private long _processingMs;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Transcribed => Interlocked.Read(ref _transcribed);

    public long DroppedQueueFull => Interlocked.Read(ref _droppedQueueFull);

    public long DroppedTooLong => Interlocked.Read(ref _droppedTooLong);

    public long Failed => Interlocked.Read(ref _failed);

    public long AudioMs => Interlocked.Read(ref _audioMs);

    public long ProcessingMs => Interlocked.Read(ref _processingMs);

    /// <summary>Processing time per second of audio over everything transcribed so far; below 1 keeps up with live speech.</summary>
    public double RealTimeFactor => AudioMs == 0 ? 0 : (double)ProcessingMs / AudioMs;

    internal void OnAccepted() => Interlocked.Increment(ref _accepted);

    internal void OnDroppedQueueFull() => Interlocked.Increment(ref _droppedQueueFull);

    internal void OnDroppedTooLong() => Interlocked.Increment(ref _droppedTooLong);

    internal void OnFailed() => Interlocked.Increment(ref _failed);

    internal void OnTranscribed(long audioMs, long processingMs)
    {
        Interlocked.Increment(ref _transcribed);
        Interlocked.Add(ref _audioMs, audioMs);
        Interlocked.Add(ref _processingMs, processingMs);
    }
}
