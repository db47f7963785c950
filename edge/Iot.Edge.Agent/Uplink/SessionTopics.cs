using Iot.Protocol.Topics;

namespace Iot.Edge.Agent.Uplink;

/// <summary>The device's own topics for the identity of the current session.</summary>
public sealed record SessionTopics(string TenantId, string DeviceId)
{
    public string Ack { get; } = TopicTree.Ack(TenantId, DeviceId);
    public string Cmd { get; } = TopicTree.Cmd(TenantId, DeviceId);
    public string CmdResult { get; } = TopicTree.CmdResult(TenantId, DeviceId);
    public string Chunk { get; } = TopicTree.Chunk(TenantId, DeviceId);
    public string Config { get; } = TopicTree.Config(TenantId, DeviceId);
    public string Reported { get; } = TopicTree.Reported(TenantId, DeviceId);
    public string Status { get; } = TopicTree.Status(TenantId, DeviceId);
    public string Telemetry { get; } = TopicTree.Telemetry(TenantId, DeviceId);
}
