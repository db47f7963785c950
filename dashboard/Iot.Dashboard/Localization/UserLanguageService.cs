using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;

namespace Iot.Dashboard.Localization;

public sealed record LanguageChange(string? Language);

/// <summary>What the signed-in user chose and what the dashboard speaks to them now.</summary>
public sealed record LanguageView(string? Language, string Effective, IReadOnlyList<string> Supported);

/// <summary>
/// The signed-in user's own dashboard language. Only ever the caller's own row: the account id comes from the token's
/// scope, never from the request, so no route or body can name another account (row security alone would still let
/// a user of the same tenant reach a colleague's row).
/// </summary>
public sealed class UserLanguageService(TenantDb db, AccountCheck accounts)
{
    public const string Field = "language";

    /// <summary>Problems keyed by field; empty = saved. Null or empty = follow the browser again.</summary>
    public async Task<Dictionary<string, string[]>> SetAsync(string? language, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? chosen = null;
        if (!string.IsNullOrWhiteSpace(language) && (chosen = SupportedCultures.Find(language.Trim())) is null)
        {
            errors[Field] = [$"language must be one of {string.Join(", ", SupportedCultures.Names)}, or null for the browser's language"];
            return errors;
        }

        var self = Guid.Parse(db.Scope.UserId);
        await db.ExecuteAuditedAsync(
            "UPDATE dashboard_users SET language = @chosen WHERE user_id = @self AND language IS DISTINCT FROM @chosen",
            new { chosen, self },
            new AuditEntry(AuditActions.SettingsChanged, $"dashboard_users/{self}/language", new Dictionary<string, string?> { [Field] = chosen ?? "browser" }),
            ct).ConfigureAwait(false);

        // The culture provider reads the account through the same cache as the token check: the next page speaks the new
        // language in this process (other instances within AccountCheck.Freshness).
        accounts.Forget(self);
        return errors;
    }

    public async Task<string?> GetAsync(CancellationToken ct) =>
        (await accounts.UserAsync(Guid.Parse(db.Scope.UserId), ct).ConfigureAwait(false))?.Language;
}
