namespace Iot.Cloud.Bridge.Broker;

/// <summary>Ends live MQTT sessions of a credential, e.g. right after provisioning revokes a device.</summary>
public interface IDeviceSessionControl
{
    /// <summary>Disconnects every live connection authenticated as <paramref name="username"/>; returns how many were closed.</summary>
    Task<int> KickAsync(string username, CancellationToken cancellationToken);

    /// <summary>The credential's secret changed: forget what was cached about the old one; live sessions stay.</summary>
    Task CredentialsChangedAsync(string username, CancellationToken cancellationToken);
}
