namespace Iot.Edge.Agent.Provisioning;

/// <summary>What survives a reinstall: how the cloud recognises a device that asks again.</summary>
public interface IHardwareIdentity
{
    /// <summary>Null when the platform offers none.</summary>
    string? HardwareId();
}
