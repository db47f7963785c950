using Iot.Protocol.Messages;

namespace Iot.Edge.Agent.Transcription;

/// <summary>
/// The speech of one sealed chunk. <paramref name="Pcm"/> is the samples of <paramref name="Speech"/>'s spans laid
/// end to end (silence between them cut out), 16 kHz mono S16; the queue keeps a reference, so hand it a buffer that
/// is not reused. Without voice detection pass one span covering the whole chunk.
/// </summary>
public sealed record TranscriptionRequest(Guid ChunkId, int ChunkDurationMs, IReadOnlyList<SpeechSegment> Speech, ReadOnlyMemory<short> Pcm, int SampleRate);
