namespace Iot.Provisioning.Security;

/// <summary>
/// Seals a fresh secret for brokers that need it in clear (Mosquitto dynsec takes passwords only in plain text); the
/// bridge supplies one when <c>Broker:Dynsec:Enabled</c>. Null = keep only the hash.
/// </summary>
public interface ISecretSealer
{
    byte[]? Seal(string username, string secret);
}

public sealed class NoSecretSealing : ISecretSealer
{
    public byte[]? Seal(string username, string secret) => null;
}
