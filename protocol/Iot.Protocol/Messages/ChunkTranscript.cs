namespace Iot.Protocol.Messages;

/// <summary>
/// What the device's on-board speech recogniser heard in a chunk. Optional: absent when transcription is off, the
/// device was too busy, or the chunk had no speech, so receivers must treat it as a hint, never as a requirement.
/// </summary>
/// <param name="Language">Detected or configured language, ISO 639-1/-3 lower case as Whisper names it (<c>en</c>, <c>haw</c>); <c>und</c> when unknown.</param>
/// <param name="Segments">Ordered, non-overlapping, in milliseconds from the chunk's start.</param>
public sealed record ChunkTranscript(string Language, IReadOnlyList<TranscriptSegment> Segments);
