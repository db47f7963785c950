namespace Iot.Edge.Agent.Recording;

/// <summary>What the recorder is doing now, read by telemetry, health and the status LED.</summary>
public sealed class RecorderStatus
{
    private int _recording;
    private long _chunksSealed;
    private long _chunksLost;
    private volatile RecordingSnapshot _snapshot = new(false, null, "starting", null);

    public bool Recording => Volatile.Read(ref _recording) == 1;

    public long ChunksSealed => Interlocked.Read(ref _chunksSealed);

    /// <summary>Chunks in progress that could not be written (disk full, I/O error) and were discarded.</summary>
    public long ChunksLost => Interlocked.Read(ref _chunksLost);

    public RecordingSnapshot Snapshot => _snapshot;

    /// <summary>Set when the source has ended (a finite file) and the last chunk is sealed.</summary>
    public TaskCompletionSource SourceFinished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal void SetRecording(bool value) => Volatile.Write(ref _recording, value ? 1 : 0);

    internal void SetDecision(RecordingDecision decision)
    {
        SetRecording(decision.Record);
        var current = _snapshot;
        if (current.Recording != decision.Record || current.TransactionId != decision.TransactionId || current.Reason != decision.Reason)
        {
            _snapshot = current with { Recording = decision.Record, TransactionId = decision.TransactionId, Reason = decision.Reason };
        }
    }

    internal void OnRefused(string? transactionId, string reason, DateTimeOffset at) =>
        _snapshot = _snapshot with { LastRefusal = new Refusal(transactionId, reason, at) };

    internal void ChunkSealed() => Interlocked.Increment(ref _chunksSealed);

    internal void ChunkLost() => Interlocked.Increment(ref _chunksLost);
}

public sealed record RecordingSnapshot(bool Recording, string? TransactionId, string Reason, Refusal? LastRefusal);

public sealed record Refusal(string? TransactionId, string Reason, DateTimeOffset AtUtc);
