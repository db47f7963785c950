using Iot.Protocol.Messages;

namespace Iot.Protocol.Chunks;

public readonly record struct ChunkValidation(RejectReason Reason, string? Error)
{
    public static ChunkValidation Ok => default;

    public bool IsValid => Error is null;

    public static ChunkValidation Fail(RejectReason reason, string error) => new(reason, error);
}
