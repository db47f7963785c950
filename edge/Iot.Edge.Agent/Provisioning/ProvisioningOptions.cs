namespace Iot.Edge.Agent.Provisioning;

/// <summary>
/// Section <c>Provisioning</c>: self-provisioning with a claim credential. Switched on by <see cref="ClaimPath"/>;
/// without it the agent uses <c>Agent:TenantId/DeviceId</c> and <c>Mqtt:Username/Password</c> as before.
/// </summary>
public sealed class ProvisioningOptions
{
    public const string Section = "Provisioning";

    /// <summary>JSON <c>{ "claimId", "secret", "broker": "host:port" }</c> placed by the installer.</summary>
    public string? ClaimPath { get; set; }

    /// <summary>Where the device's own credentials live; default <c>{spool}/../credentials.json</c>.</summary>
    public string? CredentialsPath { get; set; }

    /// <summary>
    /// The recovery key (<see cref="RecoveryKeyFile"/>); default <c>recovery.key</c> beside <see cref="ClaimPath"/>. Keep it
    /// out of whatever a factory reset wipes: with it the device re-provisions unattended, without it an operator decides.
    /// </summary>
    public string? RecoveryKeyPath { get; set; }

    /// <summary>Printed on the case; derived from the hardware id when empty.</summary>
    public string? Serial { get; set; }

    public string Model { get; set; } = "iot-agent";

    public double ResponseTimeoutSeconds { get; set; } = 20;

    /// <summary>Used when a Pending answer names no retry time, and after the broker could not be reached.</summary>
    public double RetrySeconds { get; set; } = 30;

    public double InvalidRetrySeconds { get; set; } = 300;

    public double RejectedRetrySeconds { get; set; } = 6 * 3600;

    public bool Enabled => !string.IsNullOrWhiteSpace(ClaimPath);

    public string EffectiveRecoveryKeyPath() =>
        string.IsNullOrWhiteSpace(RecoveryKeyPath)
            ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ClaimPath!))!, "recovery.key"))
            : Path.GetFullPath(RecoveryKeyPath);

    public string EffectiveCredentialsPath(string spoolDirectory) =>
        string.IsNullOrWhiteSpace(CredentialsPath)
            ? Path.GetFullPath(Path.Combine(spoolDirectory, "..", "credentials.json"))
            : Path.GetFullPath(CredentialsPath);
}
