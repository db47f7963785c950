namespace Iot.Provisioning.Hosting;

/// <summary>Section <c>Provisioning</c>. Broker settings default to the bridge's <c>Broker</c> section.</summary>
public sealed class ProvisioningOptions
{
    public const string Section = "Provisioning";

    public string BrokerHost { get; set; } = "";

    public int BrokerPort { get; set; }

    /// <summary>The service's own MQTT identity, so broker ACLs can confine it to the provisioning and command topics.</summary>
    public string Username { get; set; } = Iot.Protocol.Provisioning.MqttIdentities.Service("provisioning");

    public string? Password { get; set; }

    /// <summary>Unique per bridge instance, or two bridges would take each other's session. Default: {Username}.{Bridge:InstanceId}.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>True on brokers with MQTT 5 shared subscriptions (External mode), so several bridges split requests.</summary>
    public bool UseSharedSubscription { get; set; }

    public string SharedGroup { get; set; } = "provisioning";

    /// <summary>
    /// Claim id assumed for a request whose publisher's claim username is not known to this process (external brokers
    /// do not tell subscribers who published). Empty = such requests are refused unless the serial is preregistered.
    /// </summary>
    public string? DefaultClaimId { get; set; }

    public int PendingRetrySeconds { get; set; } = 60;

    public int RejectedRetrySeconds { get; set; } = 3600;

    /// <summary>A replayed approved request within this window gets freshly rotated credentials; later ones are refused.</summary>
    public int ReplayWindowMinutes { get; set; } = 10;

    public int FleetSummarySeconds { get; set; } = 30;

    public int CommandSweepSeconds { get; set; } = 5;

    /// <summary>
    /// Messages waiting for the provisioning worker (requests, command results, status, telemetry). Past it new ones are
    /// dropped and counted: a flood of requests must not grow the bridge's memory without bound, and everything here is
    /// retried by its sender (devices re-ask, status is retained, telemetry repeats).
    /// </summary>
    public int InboxCapacity { get; set; } = 4096;
}
