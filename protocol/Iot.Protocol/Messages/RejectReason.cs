namespace Iot.Protocol.Messages;

public enum RejectReason
{
    None,
    Malformed,
    Oversize,
    HashMismatch,
    InvalidMetadata,
    TopicMismatch,
    UnknownDevice,
    ConflictingDuplicate,
    StorageUnavailable,
}
