namespace Iot.Edge.Agent.Recording;

/// <summary>What the recorder is doing now, read by telemetry and health.</summary>
public sealed class RecorderStatus
{
    private int _recording;
    private long _chunksSealed;

    public bool Recording => Volatile.Read(ref _recording) == 1;

    public long ChunksSealed => Interlocked.Read(ref _chunksSealed);

    /// <summary>Set when the source has ended (a finite file) and the last chunk is sealed.</summary>
    public TaskCompletionSource SourceFinished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal void SetRecording(bool value) => Volatile.Write(ref _recording, value ? 1 : 0);

    internal void ChunkSealed() => Interlocked.Increment(ref _chunksSealed);
}
