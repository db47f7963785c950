using Iot.Protocol.Messages;

namespace Iot.Cloud.Bridge.Persistence;

/// <summary>A chunk ready to be recorded: its metadata and where its audio now lives.</summary>
/// <param name="StoragePath">Null for a metadata-only chunk (speech-only mode, no speech heard).</param>
public sealed record ChunkRow(ChunkMetadata Metadata, string? StoragePath)
{
    /// <summary>
    /// The audio was not written by this batch just now (an object already there with the same hash, or a put that
    /// waited too long for its commit): the orphan sweep may have judged it an orphan, so the commit re-checks it under
    /// the chunk's lock before it inserts the row.
    /// </summary>
    public bool RecheckAudio { get; init; }
}
