namespace Iot.Protocol.Provisioning;

public enum ProvisionStatus
{
    /// <summary>Credentials enclosed; store them (0600), reconnect with them, never use the claim again.</summary>
    Approved,

    /// <summary>Waiting for an operator; ask again after <see cref="ProvisionResponse.RetryAfterSeconds"/>.</summary>
    Pending,

    /// <summary>An operator refused the device; back off (long) and show it on the LED.</summary>
    Rejected,

    /// <summary>The request itself was wrong (fields, serial mismatch, claim exhausted); the reason says what.</summary>
    Invalid,
}
