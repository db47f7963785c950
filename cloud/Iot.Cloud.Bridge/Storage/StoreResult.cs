namespace Iot.Cloud.Bridge.Storage;

public enum StoreResult
{
    Written,

    /// <summary>The same bytes were already there (a replay, or a crash after the write and before the ack).</summary>
    AlreadyPresent,

    /// <summary>Different bytes already live under this name; nothing was overwritten.</summary>
    Conflict,

    /// <summary>A metadata-only chunk: nothing to write.</summary>
    NoAudio,
}
