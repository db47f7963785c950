using System.Text;
using System.Text.Json;
using Dapper;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Provisioning.Messaging;
using Iot.Provisioning.Security;
using Iot.Provisioning.Service;
using Iot.Provisioning.Storage;

namespace Iot.Provisioning.Admin;

/// <summary>
/// Operator actions on the registry, shared by the bridge (in-process callers) and iotctl. Refusals an operator can act
/// on throw <see cref="ProvisioningException"/>.
/// </summary>
public sealed class ProvisioningAdmin(
    ProvisioningStore store, IMessagePublisher publisher, IDeviceSessionControl sessions, ISecretSealer sealer, TimeProvider time)
{
    private readonly RequestDecisions _decisions = new(store, time);

    public async Task EnsureTenantAsync(string tenantId, ReprovisionPolicy policy, CancellationToken ct)
    {
        RequireId(tenantId, "tenant");
        await using var c = await store.DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await TenantRows.EnsureAsync(c, tx, tenantId, ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO tenant_policies (tenant_id, reprovision_policy) VALUES (@tenantId, @policy)
            ON CONFLICT (tenant_id) DO UPDATE SET reprovision_policy = EXCLUDED.reprovision_policy
            """,
            new { tenantId, policy = ReprovisionPolicies.ToDb(policy) },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task EnsureBranchAsync(string tenantId, string branchId, string name, CancellationToken ct)
    {
        RequireId(branchId, "branch");
        await store.ExecuteAsync(
            "INSERT INTO branches (branch_id, tenant_id, name) VALUES (@branchId, @tenantId, @name) ON CONFLICT DO NOTHING",
            new { branchId, tenantId, name },
            ct).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<DeviceRow>> ListDevicesAsync(string? tenantId, CancellationToken ct) => store.DevicesAsync(tenantId, ct);

    public async Task<DeviceRow> ShowDeviceAsync(string deviceId, CancellationToken ct) =>
        await store.DeviceAsync(deviceId, ct).ConfigureAwait(false) ?? throw new ProvisioningException($"device '{deviceId}' does not exist");

    public Task<IReadOnlyList<RequestRow>> ListPendingAsync(string? tenantId, CancellationToken ct) => store.PendingAsync(tenantId, ct);

    /// <summary>
    /// Approves the serial's pending request in <paramref name="tenantId"/> (null: a global operator, and the serial must
    /// be pending in one tenant only). The device collects its secret with its next request, so nothing secret passes
    /// through the operator. A queued re-provisioning keeps its device id; its old secret stops working.
    /// </summary>
    public Task<DeviceRow> ApproveAsync(string serial, string? tenantId, string? branchId, string? deviceId, string decidedBy, CancellationToken ct) =>
        _decisions.ApproveAsync(serial, tenantId, branchId, deviceId, decidedBy, ct);

    public Task RejectAsync(string serial, string? tenantId, string reason, string decidedBy, CancellationToken ct) =>
        _decisions.RejectAsync(serial, tenantId, reason, decidedBy, ct);

    /// <summary>A global operator's rejection (iotctl): the serial must be pending in one tenant only.</summary>
    public Task RejectAsync(string serial, string reason, string decidedBy, CancellationToken ct) =>
        _decisions.RejectAsync(serial, null, reason, decidedBy, ct);

    /// <summary>Decisions about known devices (re-provisioned, queued, refused), newest first: the dashboard's audit view.</summary>
    public Task<IReadOnlyList<ReprovisionAuditRow>> ReprovisionAuditAsync(string? tenantId, int limit, CancellationToken ct) =>
        store.ReprovisionAuditAsync(tenantId, Math.Clamp(limit, 1, 1000), ct);

    /// <summary>Revocation is immediate for ingest (the registry stops knowing the device) and ends a live session.</summary>
    public async Task RevokeAsync(string deviceId, CancellationToken ct)
    {
        var device = await ShowDeviceAsync(deviceId, ct).ConfigureAwait(false);
        await store.ExecuteAsync(
            "UPDATE devices SET revoked_at = COALESCE(revoked_at, @now), secret_hash = NULL, secret_sealed = NULL, pending_secret_hash = NULL, pending_secret_sealed = NULL WHERE device_id = @deviceId",
            new { now = time.GetUtcNow(), deviceId },
            ct).ConfigureAwait(false);
        await sessions.KickAsync(MqttIdentities.Device(device.TenantId, device.DeviceId), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a rotation: the new secret is valid beside the old one until the device confirms the command, then it
    /// replaces it (<see cref="CommandTracker"/>). Returns the command id to wait on.
    /// </summary>
    public async Task<Guid> RotateAsync(string deviceId, TimeSpan timeout, CancellationToken ct)
    {
        var device = await ActiveDeviceAsync(deviceId, ct).ConfigureAwait(false);
        var secret = SecretGenerator.NewSecret();
        var username = MqttIdentities.Device(device.TenantId, device.DeviceId);
        await store.ExecuteAsync(
            "UPDATE devices SET pending_secret_hash = @hash, pending_secret_sealed = @sealed, rotation_accepted_at = NULL WHERE device_id = @deviceId",
            new { hash = SecretHasher.Hash(secret), @sealed = sealer.Seal(username, secret), deviceId },
            ct).ConfigureAwait(false);
        var args = new Dictionary<string, string> { ["username"] = username, ["password"] = secret };
        return await SendAsync(device, CommandTracker.RotateCredentials, args, timeout, recordArgs: false, ct).ConfigureAwait(false);
    }

    /// <summary>All or nothing: one bad line imports no line, and every bad line is reported.</summary>
    public async Task<PreregistrationResult> PreregisterAsync(TextReader csv, CancellationToken ct)
    {
        var (lines, errors) = CsvPreregistration.Parse(csv);
        var problems = errors.ToList();
        await using var connection = await store.DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        foreach (var line in lines)
        {
            var known = await connection.QuerySingleAsync<(bool Tenant, bool Branch, bool Serial, bool DeviceId)>(new CommandDefinition(
                """
                SELECT EXISTS (SELECT 1 FROM tenants WHERE tenant_id = @TenantId),
                       @BranchId::text IS NULL OR EXISTS (SELECT 1 FROM branches WHERE branch_id = @BranchId AND tenant_id = @TenantId),
                       EXISTS (SELECT 1 FROM devices WHERE tenant_id = @TenantId AND serial = @Serial)
                           OR EXISTS (SELECT 1 FROM preregistrations WHERE tenant_id = @TenantId AND serial = @Serial),
                       @DeviceId::text IS NOT NULL AND EXISTS (SELECT 1 FROM devices WHERE device_id = @DeviceId)
                """,
                line,
                cancellationToken: ct)).ConfigureAwait(false);
            var problem = !known.Tenant ? $"tenant '{line.TenantId}' does not exist"
                : !known.Branch ? $"branch '{line.BranchId}' does not exist in tenant '{line.TenantId}'"
                : known.Serial ? $"serial '{line.Serial}' is already registered"
                : known.DeviceId ? $"device id '{line.DeviceId}' is not available; choose another"
                : null;
            if (problem is not null)
            {
                problems.Add($"line {line.LineNumber}: {problem}");
            }
        }

        if (problems.Count > 0)
        {
            return new PreregistrationResult(0, problems.OrderBy(LineNumberOf).ToList());
        }

        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var line in lines)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO preregistrations (serial, tenant_id, branch_id, device_id, display_name) VALUES (@Serial, @TenantId, @BranchId, @DeviceId, @DisplayName)",
                line,
                tx,
                cancellationToken: ct)).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new PreregistrationResult(lines.Count, []);
    }

    public async Task<ClaimToken> CreateClaimAsync(string tenantId, string? branchId, int? maxUses, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        if (maxUses is < 1)
        {
            throw new ProvisioningException("max uses must be at least 1");
        }

        if (await store.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM tenants WHERE tenant_id = @tenantId)", new { tenantId }, ct).ConfigureAwait(false) is false)
        {
            throw new ProvisioningException($"tenant '{tenantId}' does not exist");
        }

        var claimId = SecretGenerator.NewId();
        var secret = SecretGenerator.NewSecret();
        await store.ExecuteAsync(
            """
            INSERT INTO claim_tokens (claim_id, tenant_id, branch_id, secret_hash, secret_sealed, max_uses, expires_at)
            VALUES (@claimId, @tenantId, @branchId, @hash, @sealed, @maxUses, @expiresAt)
            """,
            new { claimId, tenantId, branchId, hash = SecretHasher.Hash(secret), @sealed = sealer.Seal(MqttIdentities.ClaimUser(claimId), secret), maxUses, expiresAt },
            ct).ConfigureAwait(false);
        return new ClaimToken(claimId, MqttIdentities.ClaimUser(claimId), secret, tenantId, branchId, maxUses, expiresAt);
    }

    /// <summary>Stores the next desired version and publishes it retained, so the device gets it whenever it connects.</summary>
    public async Task<DeviceConfigDocument> SetConfigAsync(string deviceId, DeviceConfigDocument changes, CancellationToken ct)
    {
        // The cloud reads spokenLanguages too (which recogniser may transcribe this device's dialogues), so a bad code
        // is refused here rather than only by the agent.
        if (SpokenLanguageCodes.Check(changes.SpokenLanguages, "spokenLanguages") is { } badLanguages)
        {
            throw new ProvisioningException(badLanguages);
        }

        var device = await ActiveDeviceAsync(deviceId, ct).ConfigureAwait(false);
        var current = await store.ScalarAsync<long?>("SELECT desired_version FROM device_configs WHERE device_id = @deviceId", new { deviceId }, ct).ConfigureAwait(false);
        var document = changes with { Version = (current ?? 0) + 1, IssuedAtUtc = time.GetUtcNow() };
        var json = ProtocolJson.Serialize(document);
        await store.ExecuteAsync(
            """
            INSERT INTO device_configs (device_id, desired_version, desired, issued_at) VALUES (@deviceId, @version, @json::jsonb, @now)
            ON CONFLICT (device_id) DO UPDATE SET desired_version = EXCLUDED.desired_version, desired = EXCLUDED.desired, issued_at = EXCLUDED.issued_at
            """,
            new { deviceId, version = document.Version, json = Encoding.UTF8.GetString(json), now = document.IssuedAtUtc },
            ct).ConfigureAwait(false);
        await publisher.PublishAsync(TopicTree.Config(device.TenantId, device.DeviceId), json, retain: true, ct).ConfigureAwait(false);
        return document;
    }

    public async Task<DeviceConfigState> GetConfigAsync(string deviceId, CancellationToken ct)
    {
        await ShowDeviceAsync(deviceId, ct).ConfigureAwait(false);
        var row = await store.QuerySingleAsync<ConfigRow>(
            "SELECT device_id AS DeviceId, desired_version AS DesiredVersion, desired::text AS Desired, reported_version AS ReportedVersion, reported_error AS ReportedError FROM device_configs WHERE device_id = @deviceId",
            new { deviceId },
            ct).ConfigureAwait(false);
        return row is null
            ? new DeviceConfigState(null, null, null)
            : new DeviceConfigState(ProtocolJson.TryDeserialize<DeviceConfigDocument>(Encoding.UTF8.GetBytes(row.Desired), out _), row.ReportedVersion, row.ReportedError);
    }

    public async Task<Guid> SendCommandAsync(string deviceId, string name, IReadOnlyDictionary<string, string> args, TimeSpan timeout, CancellationToken ct)
    {
        var device = await ActiveDeviceAsync(deviceId, ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ProvisioningException("command name is empty");
        }

        return await SendAsync(device, name, args, timeout, recordArgs: true, ct).ConfigureAwait(false);
    }

    public Task<CommandRow?> CommandAsync(Guid commandId, CancellationToken ct) =>
        store.QuerySingleAsync<CommandRow>(
            """
            SELECT command_id AS CommandId, device_id AS DeviceId, name AS Name, issued_at AS IssuedAt, expires_at AS ExpiresAt,
                   status AS Status, detail AS Detail, completed_at AS CompletedAt
            FROM device_commands WHERE command_id = @commandId
            """,
            new { commandId },
            ct);

    /// <summary>Polls until the command has a final status; past its expiry it is marked (and returned as) timeout.</summary>
    public async Task<CommandRow> WaitForCommandAsync(Guid commandId, CancellationToken ct)
    {
        while (true)
        {
            var row = await CommandAsync(commandId, ct).ConfigureAwait(false) ?? throw new ProvisioningException($"command {commandId} does not exist");
            if (row.Status is not ("sent" or "accepted"))
            {
                return row;
            }

            if (row.ExpiresAt is { } expires && expires <= time.GetUtcNow().UtcDateTime)
            {
                await CommandTracker.ExpireAsync(store, time.GetUtcNow(), commandId, ct).ConfigureAwait(false);
                continue;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct).ConfigureAwait(false);
        }
    }

    private async Task<Guid> SendAsync(DeviceRow device, string name, IReadOnlyDictionary<string, string> args, TimeSpan timeout, bool recordArgs, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var command = new DeviceCommand { CommandId = Guid.CreateVersion7(), Name = name, Args = args, IssuedAtUtc = now, ExpiresAtUtc = now + timeout };

        // A rotation's new secret must not be stored in clear; its args are recorded without values.
        var stored = recordArgs ? args : args.ToDictionary(a => a.Key, _ => "***");
        await store.ExecuteAsync(
            "INSERT INTO device_commands (command_id, device_id, name, args, issued_at, expires_at) VALUES (@CommandId, @deviceId, @Name, @args::jsonb, @IssuedAtUtc, @ExpiresAtUtc)",
            new
            {
                command.CommandId, deviceId = device.DeviceId, command.Name, command.IssuedAtUtc, command.ExpiresAtUtc,
                args = JsonSerializer.Serialize(stored.ToDictionary(), ProvisioningJson.Default.DictionaryStringString),
            },
            ct).ConfigureAwait(false);
        await publisher.PublishAsync(TopicTree.Cmd(device.TenantId, device.DeviceId), ProtocolJson.Serialize(command), retain: false, ct).ConfigureAwait(false);
        return command.CommandId;
    }

    private async Task<DeviceRow> ActiveDeviceAsync(string deviceId, CancellationToken ct)
    {
        var device = await ShowDeviceAsync(deviceId, ct).ConfigureAwait(false);
        return device.IsRevoked ? throw new ProvisioningException($"device '{deviceId}' is revoked") : device;
    }

    private static void RequireId(string id, string what)
    {
        if (!TopicTree.IsValidId(id))
        {
            throw new ProvisioningException($"{what} '{id}' must be 1-64 of [a-z0-9_-], starting with a letter or digit");
        }
    }

    private static int LineNumberOf(string error) =>
        int.TryParse(error.AsSpan(5, error.IndexOf(':', StringComparison.Ordinal) - 5), out var n) ? n : 0;
}
