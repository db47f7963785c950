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
                                   pending_secret_hash = NULL, pending_secret_sealed = NULL, secret_rotated_at = @now
                WHERE device_id = @deviceId AND pending_secret_hash IS NOT NULL
                """,
                new { deviceId, now = time.GetUtcNow() },
                ct).ConfigureAwait(false);
            await sessions.CredentialsChangedAsync(MqttIdentities.Device(tenantId, deviceId), ct).ConfigureAwait(false);
            LogRotated(tenantId, deviceId);
        }
    }

    /// <summary>Commands past their expiry without a final answer are marked timeout.</summary>
    public Task<int> SweepAsync(CancellationToken ct) =>
        store.ExecuteAsync(
            "UPDATE device_commands SET status = 'timeout', completed_at = @now WHERE status IN ('sent', 'accepted') AND expires_at < @now",
            new { now = time.GetUtcNow() },
            ct);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable command result from {TenantId}/{DeviceId}: {Error}")]
    private partial void LogBadResult(string tenantId, string deviceId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command result from {TenantId}/{DeviceId} for unknown or finished command {CommandId}")]
    private partial void LogUnmatchedResult(string tenantId, string deviceId, Guid commandId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device {TenantId}/{DeviceId} confirmed its rotated credentials")]
    private partial void LogRotated(string tenantId, string deviceId);
}
