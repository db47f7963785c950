using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Hosting;
using Dapper;
using Npgsql;

namespace Iot.Dashboard.Users;

public sealed class UserView
{
    public Guid UserId { get; init; }
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Role { get; init; } = "";
    public string[]? Branches { get; init; }
    public DateTime? DisabledAt { get; init; }
}

public sealed record NewUser(string Email, string? DisplayName, string Role, string[]? Branches, string Password);

public sealed record UserAccess(string Role, string[]? Branches);

public sealed record PasswordReset(string Password);

/// <summary>
/// What became of a change to an existing account. <see cref="OutOfScope"/>: the account reaches branches the caller
/// does not (a north-only admin may not disable, re-role or reset the tenant's all-branch admin).
/// </summary>
public sealed record UserChange(bool Found, bool OutOfScope, Dictionary<string, string[]> Errors)
{
    public static UserChange Invalid(Dictionary<string, string[]> errors) => new(true, false, errors);
}

/// <summary>
/// Staff accounts of the admin's own tenant (row security keeps it there). An admin limited to some branches grants only
/// those branches (never "all") and manages only accounts whose branches are all among them; an all-branch admin manages
/// everyone. Without that, a branch admin could create an all-branch admin or take over the tenant admin's password.
/// </summary>
public sealed class UserAdmin(TenantDb db, AccountCheck accounts, AuthStore store, TimeProvider time)
{
    public Task<IReadOnlyList<UserView>> ListAsync(CancellationToken ct) =>
        db.QueryAsync<UserView>(
            "SELECT user_id AS UserId, email AS Email, display_name AS DisplayName, role AS Role, branches AS Branches, disabled_at AS DisabledAt FROM dashboard_users ORDER BY email",
            null,
            ct);

    /// <summary>Problems keyed by field; empty = created.</summary>
    public async Task<Dictionary<string, string[]>> CreateAsync(NewUser user, CancellationToken ct)
    {
        var email = (user.Email ?? "").Trim();
        var branches = Branches(user.Branches);
        var errors = await CheckRoleAndBranchesAsync(user.Role, branches, ct).ConfigureAwait(false);
        CheckWithinScope(branches, errors);
        if (email.Length is < 3 or > 200 || !email.Contains('@', StringComparison.Ordinal))
        {
            errors["email"] = ["email must be an e-mail address"];
        }

        CheckPassword(user.Password, errors);
        if (errors.Count > 0)
        {
            return errors;
        }

        try
        {
            await db.ExecuteAuditedAsync(
                """
                INSERT INTO dashboard_users (user_id, tenant_id, email, display_name, role, branches, password_hash, created_at)
                VALUES (@id, @tenant, @email, @name, @Role, @branches, @hash, @now)
                """,
                new { id = Guid.CreateVersion7(), tenant = db.Scope.TenantId, email, name = string.IsNullOrWhiteSpace(user.DisplayName) ? email : user.DisplayName.Trim(), user.Role, branches, hash = PasswordHashing.Hash(user.Password!), now = time.GetUtcNow() },
                new AuditEntry(AuditActions.UserCreated, email, new Dictionary<string, string?> { ["role"] = user.Role, ["branches"] = branches is null ? "*" : string.Join(',', branches) }),
                ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            errors["email"] = ["an account with this e-mail already exists"];
        }

        return errors;
    }

    /// <summary>The account's tokens stop working at once here and within seconds on other instances (<see cref="AccountCheck"/>).</summary>
    public async Task<UserChange> DisableAsync(Guid userId, CancellationToken ct)
    {
        var result = await ManageAsync(
            userId,
            (c, tx) => c.ExecuteAsync(new CommandDefinition(
                "UPDATE dashboard_users SET disabled_at = @now WHERE user_id = @userId AND disabled_at IS NULL AND user_id::text <> @self",
                new { userId, now = time.GetUtcNow(), self = db.Scope.UserId },
                tx,
                cancellationToken: ct)),
            new AuditEntry(AuditActions.UserDisabled, userId.ToString()),
            ct).ConfigureAwait(false);
        accounts.Forget(userId);
        return result;
    }

    public async Task<UserChange> EnableAsync(Guid userId, CancellationToken ct)
    {
        var result = await ManageAsync(
            userId,
            (c, tx) => c.ExecuteAsync(new CommandDefinition(
                "UPDATE dashboard_users SET disabled_at = NULL WHERE user_id = @userId AND disabled_at IS NOT NULL", new { userId }, tx, cancellationToken: ct)),
            new AuditEntry(AuditActions.UserEnabled, userId.ToString()),
            ct).ConfigureAwait(false);
        accounts.Forget(userId);
        return result;
    }

    /// <summary>
    /// New role and branches; the account's current tokens are refused from the next request (they carry the old ones),
    /// so its holder signs in again. Admins cannot change their own account (no locking oneself out).
    /// </summary>
    public async Task<UserChange> ChangeAccessAsync(Guid userId, UserAccess access, CancellationToken ct)
    {
        var branches = Branches(access.Branches);
        var errors = await CheckRoleAndBranchesAsync(access.Role, branches, ct).ConfigureAwait(false);
        CheckWithinScope(branches, errors);
        if (userId.ToString() == db.Scope.UserId)
        {
            errors["role"] = ["admins cannot change their own role or branches"];
        }

        if (errors.Count > 0)
        {
            return UserChange.Invalid(errors);
        }

        var result = await db.RunAsync(
            async (c, tx) =>
            {
                var before = await c.QuerySingleOrDefaultAsync<(string Role, string[]? Branches)?>(new CommandDefinition(
                    "SELECT role, branches FROM dashboard_users WHERE user_id = @userId FOR UPDATE", new { userId }, tx, cancellationToken: ct)).ConfigureAwait(false);
                if (before is not { } b)
                {
                    return new UserChange(false, false, errors);
                }

                if (!Covers(b.Branches))
                {
                    return new UserChange(true, true, errors);
                }

                await c.ExecuteAsync(new CommandDefinition(
                    "UPDATE dashboard_users SET role = @Role, branches = @branches WHERE user_id = @userId",
                    new { userId, access.Role, branches }, tx, cancellationToken: ct)).ConfigureAwait(false);
                await AuditLog.WriteAsync(c, tx, new AuditEntry(AuditActions.UserChanged, userId.ToString(), new Dictionary<string, string?>
                {
                    ["roleBefore"] = b.Role,
                    ["role"] = access.Role,
                    ["branchesBefore"] = BranchText(b.Branches),
                    ["branches"] = BranchText(branches),
                }).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                return new UserChange(true, false, errors);
            },
            ct).ConfigureAwait(false);
        accounts.Forget(userId);
        return result;
    }

    /// <summary>Sets a password the admin chose and ends every sign-in of the account (refresh tokens revoked).</summary>
    public async Task<UserChange> ResetPasswordAsync(Guid userId, string? password, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckPassword(password, errors);
        if (errors.Count > 0)
        {
            return UserChange.Invalid(errors);
        }

        // Row security limits the update to this tenant, so a foreign id changes nothing and revokes nothing.
        var hash = PasswordHashing.Hash(password!);
        var result = await ManageAsync(
            userId,
            (c, tx) => c.ExecuteAsync(new CommandDefinition("UPDATE dashboard_users SET password_hash = @hash WHERE user_id = @userId", new { userId, hash }, tx, cancellationToken: ct)),
            new AuditEntry(AuditActions.UserPasswordReset, userId.ToString()),
            ct).ConfigureAwait(false);
        if (result is { Found: true, OutOfScope: false })
        {
            await store.RevokeAllAsync(userId, time.GetUtcNow(), ct).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Runs a change of one account after proving, on the locked row, that its branches are within the caller's;
    /// the change and its audit row commit together. Found = the change applied to a row.
    /// </summary>
    private Task<UserChange> ManageAsync(Guid userId, Func<System.Data.IDbConnection, System.Data.IDbTransaction, Task<int>> change, AuditEntry audit, CancellationToken ct) =>
        db.RunAsync(
            async (c, tx) =>
            {
                var target = await c.QuerySingleOrDefaultAsync<(Guid Id, string[]? Branches)?>(new CommandDefinition(
                    "SELECT user_id, branches FROM dashboard_users WHERE user_id = @userId FOR UPDATE", new { userId }, tx, cancellationToken: ct)).ConfigureAwait(false);
                if (target is not { } t)
                {
                    return new UserChange(false, false, []);
                }

                if (!Covers(t.Branches))
                {
                    return new UserChange(true, true, []);
                }

                var changed = await change(c, tx).ConfigureAwait(false);
                if (changed > 0)
                {
                    await AuditLog.WriteAsync(c, tx, audit.For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                }

                return new UserChange(changed > 0, false, []);
            },
            ct);

    /// <summary>Null = every branch, which only an all-branch caller covers.</summary>
    private bool Covers(string[]? branches) =>
        db.Scope.Branches is not { } mine || (branches is not null && branches.All(b => mine.Contains(b, StringComparer.Ordinal)));

    private void CheckWithinScope(string[]? branches, Dictionary<string, string[]> errors)
    {
        if (!Covers(branches))
        {
            errors["branches"] = [$"you may grant only your own branches ({string.Join(", ", db.Scope.Branches ?? [])}), never all branches"];
        }
    }

    private static string[]? Branches(string[]? requested) =>
        requested?.Select(b => b.Trim()).Where(b => b.Length > 0).Distinct(StringComparer.Ordinal).ToArray() is { Length: > 0 } list ? list : null;

    private static string BranchText(string[]? branches) => branches is null ? "*" : string.Join(',', branches);

    private static void CheckPassword(string? password, Dictionary<string, string[]> errors)
    {
        if ((password ?? "").Length < DashboardOptionsValidator.MinPasswordLength)
        {
            errors["password"] = [$"password must be at least {DashboardOptionsValidator.MinPasswordLength} characters"];
        }
    }

    private async Task<Dictionary<string, string[]>> CheckRoleAndBranchesAsync(string? role, string[]? branches, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (role is null || !Roles.All.Contains(role))
        {
            errors["role"] = [$"role must be one of {string.Join(", ", Roles.All)}"];
        }

        if (branches is not null)
        {
            var known = await db.QueryAsync<string>("SELECT branch_id FROM branches WHERE branch_id = ANY (@branches)", new { branches }, ct).ConfigureAwait(false);
            if (known.Count != branches.Length)
            {
                errors["branches"] = [$"unknown branch(es): {string.Join(", ", branches.Except(known))}"];
            }
        }

        return errors;
    }
}
