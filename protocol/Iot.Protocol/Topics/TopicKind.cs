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
}
