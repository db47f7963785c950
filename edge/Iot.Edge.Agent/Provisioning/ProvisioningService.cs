using Iot.Edge.Agent.Gpio;
using Iot.Edge.Agent.Health;
using Iot.Edge.Agent.Hosting;
using Iot.Protocol.Provisioning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Provisioning;

/// <summary>
/// Runs the claim flow whenever provisioning is on and the device has no credentials: at first boot and after a
/// re-provision. Recording carries on meanwhile; chunks wait in the outbox until the uplink has an identity.
/// </summary>
internal sealed partial class ProvisioningService(
    DeviceIdentityStore identity,
    ProvisioningClient client,
    IHardwareIdentity hardware,
    Reprovisioner reprovisioner,
    DesiredConfig.DesiredConfigApplier desiredConfig,
    IOptions<ProvisioningOptions> options,
    IOptions<AudioOptions> audio,
    IOptions<GpioOptions> gpio,
    AgentConditions conditions,
    TimeProvider time,
    ILogger<ProvisioningService> logger) : BackgroundService
{
    public const string FaultSource = "provisioning";
    private readonly ProvisioningOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!identity.ProvisioningEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (identity.Current is not null)
                {
                    conditions.AwaitingProvisioning = false;
                    conditions.ClearFault(FaultSource);
                    await identity.WaitForChangeAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }

                conditions.AwaitingProvisioning = true;
                var wait = await AttemptAsync(stoppingToken).ConfigureAwait(false);
                if (wait > TimeSpan.Zero)
                {
                    // A button press or a re-provision cuts a long backoff short.
                    await reprovisioner.WaitAsync(wait, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogIterationFailed(ex);
                await reprovisioner.WaitAsync(Seconds(_options.RetrySeconds, jitter: true), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sealed credentials opened with this attempt's key; clear ones only from a cloud that predates sealing.</summary>
    private static DeviceCredentials? Credentials(ProvisionResponse response, System.Security.Cryptography.ECDiffieHellman key) =>
        response.SealedCredentials is { } sealedCredentials ? CredentialSeal.Open(sealedCredentials, key, response.Nonce) : response.Credentials;

    /// <summary>The device's proof for a later unattended re-provisioning; without a readable key an operator decides instead.</summary>
    private string? RecoveryKey()
    {
        var path = _options.EffectiveRecoveryKeyPath();
        try
        {
            return RecoveryKeyFile.LoadOrCreate(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            LogRecoveryKeyUnusable(path, ex.Message);
            return null;
        }
    }

    private async Task<TimeSpan> AttemptAsync(CancellationToken ct)
    {
        ClaimFile? claim;
        try
        {
            claim = ClaimFile.Load(_options.ClaimPath!);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            conditions.RaiseFault(FaultSource, ex.Message);
            LogClaimUnusable(ex.Message);
            return Seconds(_options.RetrySeconds, jitter: true);
        }

        if (claim is null)
        {
            conditions.RaiseFault(FaultSource, "no credentials and no claim file " + _options.ClaimPath);
            LogNoClaim(_options.ClaimPath!);
            return Seconds(_options.RetrySeconds, jitter: true);
        }

        // One key pair per attempt: the cloud seals an approved answer's password to it, so nobody else reading the
        // response topic learns it.
        using var responseKey = CredentialSeal.NewKey();
        var hardwareId = hardware.HardwareId();
        var serial = DeviceSerial.Resolve(_options.Serial, hardwareId ?? throw new InvalidOperationException("no hardware id on this machine; set Provisioning:Serial"));
        var request = new ProvisionRequest
        {
            Serial = serial,
            HardwareId = hardwareId,
            Model = _options.Model,
            AgentVersion = AgentVersion.Current,
            Capabilities = new DeviceCapabilities(Microphone: audio.Value.Source != AudioOptions.WavSource, Gpio: gpio.Value.Enabled),
            Nonce = ProvisioningClient.NewNonce(),
            RequestedAtUtc = time.GetUtcNow(),
            RecoveryKey = RecoveryKey(),
            ResponseKey = CredentialSeal.PublicKey(responseKey),
        };
        ProvisionResponse? response;
        try
        {
            response = await client.RequestAsync(claim, request, TimeSpan.FromSeconds(_options.ResponseTimeoutSeconds), ct).ConfigureAwait(false);
        }
        catch (Uplink.PlaintextRefusedException ex)
        {
            // The claim secret would cross the network in clear: nothing is sent, and the LED says why.
            conditions.RaiseFault(FaultSource, ex.Message);
            LogClaimUnusable(ex.Message);
            return Seconds(_options.RetrySeconds, jitter: true);
        }

        if (response is null)
        {
            return Seconds(_options.RetrySeconds, jitter: true);
        }

        switch (response.Status)
        {
            case ProvisionStatus.Approved when Credentials(response, responseKey) is { } c && Iot.Protocol.Topics.TopicTree.IsValidId(c.TenantId) && Iot.Protocol.Topics.TopicTree.IsValidId(c.DeviceId):
                if (response.Config is { } initial)
                {
                    // Applied before the uplink connects, so the first chunks already follow the branch's rules.
                    desiredConfig.Apply(initial);
                }

                identity.Save(new StoredCredentials(c.TenantId, c.DeviceId, c.BranchId, c.Username, c.Password, claim.Broker, claim.CaCertificate));
                conditions.ClearFault(FaultSource);
                conditions.AwaitingProvisioning = false;
                LogApproved(serial, c.TenantId, c.DeviceId);
                return TimeSpan.Zero;
            case ProvisionStatus.Approved:
                LogApprovedWithoutCredentials(serial);
                return Seconds(_options.InvalidRetrySeconds, jitter: true);
            case ProvisionStatus.Pending:
                conditions.ClearFault(FaultSource);
                var retry = response.RetryAfterSeconds is { } s and > 0 ? s : _options.RetrySeconds;
                LogPending(serial, retry);
                return Seconds(retry, jitter: true);
            case ProvisionStatus.Rejected:
                conditions.RaiseFault(FaultSource, "rejected: " + (response.Reason ?? "no reason given"));
                LogRejected(serial, response.Reason);
                return Seconds(_options.RejectedRetrySeconds, jitter: true);
            default:
                LogInvalid(serial, response.Reason);
                return Seconds(_options.InvalidRetrySeconds, jitter: true);
        }
    }

    // Up to +20 %, so a fleet powered on together does not ask in lock-step.
    private static TimeSpan Seconds(double seconds, bool jitter) =>
        TimeSpan.FromSeconds(jitter ? seconds * (1 + (Random.Shared.NextDouble() * 0.2)) : seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serial {Serial} approved as {TenantId}/{DeviceId}")]
    private partial void LogApproved(string serial, string tenantId, string deviceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Serial {Serial} approved without usable credentials; asking again later")]
    private partial void LogApprovedWithoutCredentials(string serial);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serial {Serial} awaits approval; asking again in about {Seconds} s")]
    private partial void LogPending(string serial, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Serial {Serial} rejected by an operator: {Reason}")]
    private partial void LogRejected(string serial, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Provisioning request of serial {Serial} refused as invalid: {Reason}")]
    private partial void LogInvalid(string serial, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovery key {Path} unusable ({Error}); asking without it, so re-provisioning this device will need an operator")]
    private partial void LogRecoveryKeyUnusable(string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "No credentials and no claim file at {Path}; cannot provision")]
    private partial void LogNoClaim(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Claim file unusable: {Error}")]
    private partial void LogClaimUnusable(string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Provisioning iteration failed; retrying")]
    private partial void LogIterationFailed(Exception exception);
}
