using Dapper;
using Iot.Cloud.Bridge.Broker.Security;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Topics;
using Npgsql;

namespace Iot.Cloud.Bridge.Broker.Dynsec;

/// <summary>
/// Builds the complete dynsec state PostgreSQL implies. Roles carry explicit topics only (no %c/%u patterns), derived
/// from <see cref="AccessRules"/> like the embedded broker's checks.
/// </summary>
/// <remarks>
/// Claims: Mosquitto cannot tie an ACL to part of the client id (<c>claim.{serial}</c>), so a claim's role lists the
/// request/response topics of the serials preregistered for its tenant and not yet consumed. Hardware that was not
/// preregistered cannot self-provision through Mosquitto; it can through the embedded broker or EMQX.
/// </remarks>
public sealed class DesiredDynsecState(NpgsqlDataSource dataSource)
{
    public const string RolePrefix = "iot-";
    public const string Marker = "iot:";

    public async Task<DynsecState> LoadAsync(SecretSealer sealer, IReadOnlyDictionary<string, string> serviceSecrets, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var devices = await connection.QueryAsync<(string Tenant, string Device, byte[] Sealed)>(new CommandDefinition(
            """
            SELECT tenant_id, device_id,
                   CASE WHEN rotation_accepted_at IS NOT NULL AND pending_secret_sealed IS NOT NULL THEN pending_secret_sealed ELSE secret_sealed END
            FROM devices WHERE secret_sealed IS NOT NULL AND revoked_at IS NULL AND enabled ORDER BY 1, 2
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var claims = await connection.QueryAsync<(string ClaimId, string Tenant, byte[] Sealed)>(new CommandDefinition(
            """
            SELECT claim_id, tenant_id, secret_sealed FROM claim_tokens
            WHERE secret_sealed IS NOT NULL AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
              AND (max_uses IS NULL OR uses < max_uses)
            ORDER BY 1
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var serials = (await connection.QueryAsync<(string Tenant, string Serial)>(new CommandDefinition(
            "SELECT tenant_id, serial FROM preregistrations WHERE consumed_at IS NULL ORDER BY 2",
            cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Where(r => TopicTree.IsValidId(r.Serial))
            .ToLookup(r => r.Tenant, r => r.Serial);

        var clients = new List<DynsecClient>();
        var roles = new List<DynsecRole>();
        foreach (var d in devices)
        {
            var username = MqttIdentities.Device(d.Tenant, d.Device);
            if (sealer.Open(username, d.Sealed) is not { } secret)
            {
                continue;
            }

            var role = RolePrefix + username;
            roles.Add(RoleFrom(role, AccessRules.ForDevice(d.Tenant, d.Device), literal: true));
            clients.Add(new DynsecClient(username, username, [role], Marker + sealer.Fingerprint(username, secret), false, secret));
        }

        foreach (var c in claims)
        {
            var username = MqttIdentities.ClaimUser(c.ClaimId);
            if (sealer.Open(username, c.Sealed) is not { } secret)
            {
                continue;
            }

            var role = RolePrefix + username;
            var acls = serials[c.Tenant].SelectMany(s => RoleFrom(role, AccessRules.ForSerial(s), literal: true).Acls).ToList();
            roles.Add(new DynsecRole(role, acls));
            clients.Add(new DynsecClient(username, null, [role], Marker + sealer.Fingerprint(username, secret), false, secret));
        }

        foreach (var name in ServiceNames.All)
        {
            if (!serviceSecrets.TryGetValue(name, out var secret) || string.IsNullOrEmpty(secret))
            {
                continue;
            }

            var username = MqttIdentities.Service(name);
            var role = RolePrefix + username;
            var rules = AccessRules.ForService(name);
            // Mosquitto checks a shared subscription against its full filter, so the $share form is granted explicitly
            // (any group: several bridges or provisioning instances pick their own).
            var shared = rules.Subscribe.Where(f => !f.StartsWith('$')).Select(f => "$share/+/" + f);
            roles.Add(RoleFrom(role, rules with { Subscribe = [.. rules.Subscribe, .. shared] }, literal: false));
            clients.Add(new DynsecClient(username, null, [role], Marker + sealer.Fingerprint(username, secret), false, secret));
        }

        return new DynsecState(clients, roles);
    }

    private static DynsecRole RoleFrom(string roleName, AccessRules rules, bool literal) => new(
        roleName,
        [
            .. rules.Publish.Select(t => new DynsecAcl("publishClientSend", t)),
            .. rules.Subscribe.Select(t => new DynsecAcl(literal ? "subscribeLiteral" : "subscribePattern", t)),
        ]);
}
