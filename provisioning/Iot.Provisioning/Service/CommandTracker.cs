using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Provisioning.Messaging;
using Iot.Protocol.Serialization;
using Iot.Provisioning.Storage;
using Microsoft.Extensions.Logging;

namespace Iot.Provisioning.Service;

/// <summary>
/// Records device answers to commands, and completes credential rotation: the pending secret becomes the current one
/// only when the device reports it switched, so a device that never got the command keeps a working secret.
/// </summary>
public sealed partial class CommandTracker(ProvisioningStore store, IDeviceSessionControl sessions, TimeProvider time, ILogger<CommandTracker> logger)
{
    public const string RotateCredentials = "rotate-credentials";

    public async Task OnResultAsync(string tenantId, string deviceId, byte[] payload, CancellationToken ct)
    {
        var result = ProtocolJson.TryDeserialize<CommandResult>(payload, out var error);
        if (result is null)
        {
            LogBadResult(tenantId, deviceId, error);
            return;
        }

        var status = result.Status.ToString().ToLowerInvariant();
        var name = await store.ScalarAsync<string?>(
            """
            UPDATE device_commands c SET status = @status, detail = @Detail, completed_at = CASE WHEN @status = 'accepted' THEN NULL ELSE @now END
            FROM devices d
            WHERE c.command_id = @CommandId AND c.device_id = @deviceId AND d.device_id = c.device_id AND d.tenant_id = @tenantId
              AND c.status IN ('sent', 'accepted')
            RETURNING c.name
            """,
            new { status, result.Detail, now = time.GetUtcNow(), result.CommandId, deviceId, tenantId },
            ct).ConfigureAwait(false);
        if (name is null)
        {
            LogUnmatchedResult(tenantId, deviceId, result.CommandId);
            return;
        }

        if (name == RotateCredentials && result.Status == CommandStatus.Done)
        {
            await store.ExecuteAsync(
                """
                UPDATE devices SET secret_hash = pending_secret_hash, secret_sealed = pending_secret_sealed,
                                   pending_secret_hash = NULL, pending_secret_sealed = NULL, secret_rotated_at = @now, rotation_accepted_at = NULL
                WHERE device_id = @deviceId AND pending_secret_hash IS NOT NULL
                """,
                new { deviceId, now = time.GetUtcNow() },
                ct).ConfigureAwait(false);
            await sessions.CredentialsChangedAsync(MqttIdentities.Device(tenantId, deviceId), ct).ConfigureAwait(false);
            LogRotated(tenantId, deviceId);
        }
        else if (name == RotateCredentials && result.Status == CommandStatus.Accepted)
        {
            // The device is about to reconnect with the new secret: a broker that holds one secret per client gets it now.
            await store.ExecuteAsync(
                "UPDATE devices SET rotation_accepted_at = @now WHERE device_id = @deviceId AND pending_secret_hash IS NOT NULL",
                new { deviceId, now = time.GetUtcNow() },
                ct).ConfigureAwait(false);
            await sessions.CredentialsChangedAsync(MqttIdentities.Device(tenantId, deviceId), ct).ConfigureAwait(false);
        }
        else if (name == RotateCredentials && result.Status is CommandStatus.Failed or CommandStatus.Rejected)
        {
            // A rotation the device could not complete must not leave a second valid secret behind.
            await DropPendingSecretAsync(deviceId, ct).ConfigureAwait(false);
            await sessions.CredentialsChangedAsync(MqttIdentities.Device(tenantId, deviceId), ct).ConfigureAwait(false);
            LogRotationAbandoned(tenantId, deviceId, result.Status.ToString(), result.Detail);
        }
    }

    private Task<int> DropPendingSecretAsync(string deviceId, CancellationToken ct) =>
        store.ExecuteAsync(
            "UPDATE devices SET pending_secret_hash = NULL, pending_secret_sealed = NULL, rotation_accepted_at = NULL WHERE device_id = @deviceId AND pending_secret_hash IS NOT NULL",
            new { deviceId },
            ct);

    /// <summary>
    /// Commands past their expiry without a final answer are marked timeout; a timed-out rotation's pending secret is
    /// dropped, so only the secret the device is known to hold stays valid.
    /// </summary>
    public Task<int> SweepAsync(CancellationToken ct) => ExpireAsync(store, time.GetUtcNow(), null, ct);

    /// <summary>The one place commands time out (the sweeper for all, a waiting caller for its own command).</summary>
    internal static Task<int> ExpireAsync(ProvisioningStore store, DateTimeOffset now, Guid? commandId, CancellationToken ct) =>
        store.ScalarAsync<int>(
            """
            WITH expired AS (
                UPDATE device_commands SET status = 'timeout', completed_at = @now
                WHERE status IN ('sent', 'accepted') AND expires_at < @now AND (@commandId::uuid IS NULL OR command_id = @commandId)
                RETURNING device_id, name)
            , dropped AS (
                UPDATE devices d SET pending_secret_hash = NULL, pending_secret_sealed = NULL, rotation_accepted_at = NULL
                FROM expired e WHERE e.name = @rotate AND d.device_id = e.device_id AND d.pending_secret_hash IS NOT NULL)
            SELECT count(*)::int FROM expired
            """,
            new { now, commandId, rotate = RotateCredentials },
            ct);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable command result from {TenantId}/{DeviceId}: {Error}")]
    private partial void LogBadResult(string tenantId, string deviceId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command result from {TenantId}/{DeviceId} for unknown or finished command {CommandId}")]
    private partial void LogUnmatchedResult(string tenantId, string deviceId, Guid commandId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {TenantId}/{DeviceId} could not switch to rotated credentials ({Status}: {Detail}); the new secret was withdrawn")]
    private partial void LogRotationAbandoned(string tenantId, string deviceId, string status, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device {TenantId}/{DeviceId} confirmed its rotated credentials")]
    private partial void LogRotated(string tenantId, string deviceId);
}
