namespace Iot.Protocol.Topics;

/// <summary>A parsed <c>iot/v1/{tenant}/{device}/{kind}</c> topic.</summary>
public readonly record struct DeviceTopic(string TenantId, string DeviceId, TopicKind Kind)
{
    public override string ToString() => TopicTree.For(TenantId, DeviceId, Kind);
}
