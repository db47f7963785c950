namespace Iot.Provisioning.Storage;

public enum ReprovisionPolicy
{
    /// <summary>Known hardware of the tenant asking again (factory reset): same device id, new secret, no human step.</summary>
    AutoKnownHardware,

    /// <summary>Known hardware waits for an operator like a new device.</summary>
    Queue,
}

public static class ReprovisionPolicies
{
    public static string ToDb(ReprovisionPolicy p) => p == ReprovisionPolicy.Queue ? "queue" : "auto-known-hardware";

    public static ReprovisionPolicy FromDb(string? value) => value == "queue" ? ReprovisionPolicy.Queue : ReprovisionPolicy.AutoKnownHardware;
}
