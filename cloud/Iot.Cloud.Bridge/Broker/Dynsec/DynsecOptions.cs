namespace Iot.Cloud.Bridge.Broker.Dynsec;

/// <summary>Section <c>Broker:Dynsec</c> (external Mosquitto with the dynamic security plugin).</summary>
public sealed class DynsecOptions
{
    public bool Enabled { get; set; }

    /// <summary>The dynsec admin account (created by <c>mosquitto_ctrl dynsec init</c>); needs the admin role.</summary>
    public string AdminUsername { get; set; } = "admin";

    public string AdminPassword { get; set; } = "";

    /// <summary>Base64 of 32 bytes: AES-256-GCM key that opens <c>devices.secret_sealed</c> / <c>claim_tokens.secret_sealed</c>.</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>Whole-state reconcile period; changes made in between are picked up on the next pass.</summary>
    public int ReconcileSeconds { get; set; } = 30;
}
