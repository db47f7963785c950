using Iot.Protocol.Messages;

namespace Iot.Edge.Agent.Transcription;

/// <summary>What the recorder and the uplink see of transcription; a no-op when <c>Transcription:Enabled</c> is false.</summary>
public interface ITranscriptionQueue
{
    /// <summary>False when transcription is off, so the recorder need not keep the chunk's PCM.</summary>
    bool Enabled { get; }

    /// <summary>
    /// Never blocks. False when the chunk will get no transcript (off, queue full, too much speech); queue-full and
    /// too-long refusals are counted in <see cref="TranscriptionStats"/>.
    /// </summary>
    bool TryEnqueue(TranscriptionRequest request);

    /// <summary>
    /// The chunk's transcript, or null at once when the chunk was never accepted (so a refused chunk is not held
    /// back), or null when it is not ready within <paramref name="timeout"/> or failed.
    /// </summary>
    Task<ChunkTranscript?> WaitAsync(Guid chunkId, TimeSpan timeout, CancellationToken cancellationToken);
}
