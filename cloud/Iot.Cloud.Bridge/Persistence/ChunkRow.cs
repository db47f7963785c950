using Iot.Protocol.Messages;

namespace Iot.Cloud.Bridge.Persistence;

/// <summary>A chunk ready to be recorded: its metadata and where its audio now lives.</summary>
/// <param name="StoragePath">Null for a metadata-only chunk (speech-only mode, no speech heard).</param>
public sealed record ChunkRow(ChunkMetadata Metadata, string? StoragePath);
