using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Hosting;
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

/// <summary>Staff accounts of the admin's own tenant (row security keeps it there).</summary>
public sealed class UserAdmin(TenantDb db, Auth.AccountCheck accounts, TimeProvider time)
{
    public Task<IReadOnlyList<UserView>> ListAsync(CancellationToken ct) =>
        db.QueryAsync<UserView>(
            "SELECT user_id AS UserId, email AS Email, display_name AS DisplayName, role AS Role, branches AS Branches, disabled_at AS DisabledAt FROM dashboard_users ORDER BY email",
            null,
            ct);

    /// <summary>Problems keyed by field; empty = created.</summary>
    public async Task<Dictionary<string, string[]>> CreateAsync(NewUser user, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var email = (user.Email ?? "").Trim();
        if (email.Length is < 3 or > 200 || !email.Contains('@', StringComparison.Ordinal))
        {
            errors["email"] = ["email must be an e-mail address"];
        }

        if (!Roles.All.Contains(user.Role))
        {
            errors["role"] = [$"role must be one of {string.Join(", ", Roles.All)}"];
        }

        if ((user.Password ?? "").Length < DashboardOptionsValidator.MinPasswordLength)
        {
            errors["password"] = [$"password must be at least {DashboardOptionsValidator.MinPasswordLength} characters"];
        }

        var branches = user.Branches is { Length: > 0 } b ? b.Distinct().ToArray() : null;
        if (branches is not null)
        {
            var known = await db.QueryAsync<string>("SELECT branch_id FROM branches WHERE branch_id = ANY (@branches)", new { branches }, ct).ConfigureAwait(false);
            if (known.Count != branches.Length)
            {
                errors["branches"] = [$"unknown branch(es): {string.Join(", ", branches.Except(known))}"];
            }
        }

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

    /// <summary>The account's tokens stop working at once here and within seconds on other instances (<see cref="Auth.AccountCheck"/>).</summary>
    public async Task<int> DisableAsync(Guid userId, CancellationToken ct)
    {
        var changed = await db.ExecuteAuditedAsync(
            "UPDATE dashboard_users SET disabled_at = @now WHERE user_id = @userId AND disabled_at IS NULL AND user_id::text <> @self",
            new { userId, now = time.GetUtcNow(), self = db.Scope.UserId },
            new AuditEntry(AuditActions.UserDisabled, userId.ToString()),
            ct).ConfigureAwait(false);
        accounts.Forget(userId);
        return changed;
    }
}
