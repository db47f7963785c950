namespace Iot.Protocol.Topics;

/// <summary>The leaf of a device topic. The wire name is the lower-case member name.</summary>
public enum TopicKind
{
    Chunk,
    Ack,
    Status,
    Telemetry,
    Cmd,
    Config,

    /// <summary>Device → cloud: the configuration the device actually runs (retained).</summary>
    Reported,

    /// <summary>Device → cloud: acknowledgement and result of a command.</summary>
    CmdResult,
}
