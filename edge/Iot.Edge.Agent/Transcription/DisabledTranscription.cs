using Iot.Protocol.Messages;

namespace Iot.Edge.Agent.Transcription;

internal sealed class DisabledTranscription : ITranscriptionQueue
{
    public bool Enabled => false;

    public bool TryEnqueue(TranscriptionRequest request) => false;

    public Task<ChunkTranscript?> WaitAsync(Guid chunkId, TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult<ChunkTranscript?>(null);
}
