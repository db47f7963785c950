using Dapper;
using Iot.Dashboard.Data;
using Iot.Provisioning.Admin;
using Npgsql;

namespace Iot.Dashboard.Auth;

/// <summary>
/// Users and refresh tokens, read before any tenant is known (sign-in, refresh), so this is the one store that does
/// not go through <see cref="TenantDb"/>. It touches only the account tables and writes sign-in audit rows.
/// </summary>
public sealed class AuthStore(NpgsqlDataSource dataSource)
{
    private const string UserColumns = """
        user_id AS UserId, tenant_id AS TenantId, email AS Email, display_name AS DisplayName, role AS Role,
        branches AS Branches, password_hash AS PasswordHash, disabled_at AS DisabledAt, language AS Language
        """;

    public async Task<DashboardUser?> UserByEmailAsync(string email, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<DashboardUser>(new CommandDefinition(
            $"SELECT {UserColumns} FROM dashboard_users WHERE lower(email) = lower(@email)", new { email }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task<DashboardUser?> UserByIdAsync(Guid userId, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await c.QuerySingleOrDefaultAsync<DashboardUser>(new CommandDefinition(
            $"SELECT {UserColumns} FROM dashboard_users WHERE user_id = @userId", new { userId }, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>Creates the tenant if needed and the user if the e-mail is new; false when the e-mail already exists.</summary>
    public async Task<bool> SeedUserAsync(string tenantId, string email, string role, string passwordHash, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await TenantRows.EnsureAsync(c, tx, tenantId, ct).ConfigureAwait(false);
        var inserted = await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO dashboard_users (user_id, tenant_id, email, display_name, role, password_hash)
            VALUES (@id, @tenantId, @email, @email, @role, @passwordHash) ON CONFLICT DO NOTHING
            """,
            new { id = Guid.CreateVersion7(), tenantId, email, role, passwordHash },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return inserted > 0;
    }

    public async Task StoreRefreshAsync(string tokenHash, Guid userId, Guid familyId, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_refresh_tokens (token_hash, user_id, family_id, expires_at, created_at) VALUES (@tokenHash, @userId, @familyId, @expiresAt, @now)",
            new { tokenHash, userId, familyId, expiresAt, now },
            cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// Swaps a live refresh token for a new one in the same family. A token that was already rotated or revoked revokes
    /// its whole family (it has been copied) and yields null like an unknown or expired one. Parallel requests of one
    /// browser are coalesced before they get here (<see cref="AuthService"/>), so no reuse is ever excused.
    /// </summary>
    public async Task<DashboardUser?> RotateRefreshAsync(string oldHash, string newHash, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<(Guid UserId, Guid FamilyId, DateTime ExpiresAt, DateTime? RevokedAt, string? ReplacedBy)>(new CommandDefinition(
            "SELECT user_id, family_id, expires_at, revoked_at, replaced_by FROM dashboard_refresh_tokens WHERE token_hash = @oldHash FOR UPDATE",
            new { oldHash },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        if (row.UserId == Guid.Empty)
        {
            return null;
        }

        if (row.RevokedAt is not null)
        {
            await RevokeFamilyAsync(c, tx, row.FamilyId, now, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return null;
        }

        var user = await c.QuerySingleOrDefaultAsync<DashboardUser>(new CommandDefinition(
            $"SELECT {UserColumns} FROM dashboard_users WHERE user_id = @UserId", new { row.UserId }, tx, cancellationToken: ct)).ConfigureAwait(false);
        if (row.ExpiresAt <= now.UtcDateTime || user is null || user.DisabledAt is not null)
        {
            return null;
        }

        await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE dashboard_refresh_tokens SET revoked_at = coalesce(revoked_at, @now), replaced_by = @newHash WHERE token_hash = @oldHash;
            INSERT INTO dashboard_refresh_tokens (token_hash, user_id, family_id, expires_at, created_at) VALUES (@newHash, @UserId, @FamilyId, @expiresAt, @now);
            """,
            new { now, newHash, oldHash, row.UserId, row.FamilyId, expiresAt },
            tx,
            cancellationToken: ct)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return user;
    }

    /// <summary>Sign-out: the presented token's whole family stops working. Returns the token's account, if known.</summary>
    public async Task<Guid?> RevokeAsync(string tokenHash, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var row = await c.QuerySingleOrDefaultAsync<(Guid FamilyId, Guid UserId)?>(new CommandDefinition(
            "SELECT family_id, user_id FROM dashboard_refresh_tokens WHERE token_hash = @tokenHash", new { tokenHash }, cancellationToken: ct)).ConfigureAwait(false);
        if (row is { } r)
        {
            await RevokeFamilyAsync(c, null, r.FamilyId, now, ct).ConfigureAwait(false);
        }

        return row?.UserId;
    }

    /// <summary>After a password reset: every sign-in of the account ends (its refresh tokens stop working).</summary>
    public async Task RevokeAllAsync(Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_refresh_tokens SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL",
            new { userId, now },
            cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task AuditAsync(string? tenantId, string actor, AuditEntry entry, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await AuditLog.WriteAsync(c, null, entry.For(tenantId, actor), at: null, ct).ConfigureAwait(false);
    }

    private static Task RevokeFamilyAsync(NpgsqlConnection c, NpgsqlTransaction? tx, Guid familyId, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_refresh_tokens SET revoked_at = @now WHERE family_id = @familyId AND revoked_at IS NULL",
            new { familyId, now },
            tx,
            cancellationToken: ct));
}
