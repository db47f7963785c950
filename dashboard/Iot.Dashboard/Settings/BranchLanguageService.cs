using Dapper;
using Iot.Dashboard.Data;
using Iot.Protocol.Messages;

namespace Iot.Dashboard.Settings;

public sealed class BranchLanguagesView
{
    public string BranchId { get; init; } = "";
    public string Name { get; init; } = "";

    /// <summary>Null = the tenant's languages apply.</summary>
    public string[]? SpokenLanguages { get; init; }
}

public sealed record BranchLanguagesChange(string[]? SpokenLanguages);

/// <summary>
/// Spoken languages per branch (branch_settings, migration 0053; the dashboard owns that table). Row security limits a
/// branch-scoped admin to their branches; a branch of another tenant is refused by the table's trigger as well.
/// </summary>
public sealed class BranchLanguageService(TenantDb db, TimeProvider time)
{
    private const string Select = """
        SELECT b.branch_id AS BranchId, b.name AS Name, bs.spoken_languages AS SpokenLanguages
        FROM branches b LEFT JOIN branch_settings bs ON bs.branch_id = b.branch_id
        """;

    public Task<IReadOnlyList<BranchLanguagesView>> ListAsync(CancellationToken ct) =>
        db.QueryAsync<BranchLanguagesView>($"{Select} ORDER BY b.name, b.branch_id", null, ct);

    /// <returns>Problems keyed by field; null when the branch is not one the caller can see (404).</returns>
    public Task<Dictionary<string, string[]>?> SaveAsync(string branchId, BranchLanguagesChange change, CancellationToken ct)
    {
        var languages = SpokenLanguageCodes.Normalise(change.SpokenLanguages);
        if (SpokenLanguageCodes.Check(languages, "spokenLanguages") is { } problem)
        {
            return Task.FromResult<Dictionary<string, string[]>?>(new(StringComparer.Ordinal) { ["spokenLanguages"] = [problem] });
        }

        return db.RunAsync<Dictionary<string, string[]>?>(
            async (c, tx) =>
            {
                var before = await c.QuerySingleOrDefaultAsync<BranchLanguagesView>(new CommandDefinition(
                    $"{Select} WHERE b.branch_id = @branchId",
                    new { branchId },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                if (before is null)
                {
                    return null;
                }

                await c.ExecuteAsync(new CommandDefinition(
                    languages is null
                        ? "DELETE FROM branch_settings WHERE branch_id = @branchId"
                        : """
                          INSERT INTO branch_settings (branch_id, tenant_id, spoken_languages, updated_at) VALUES (@branchId, @tenant, @languages, @now)
                          ON CONFLICT (branch_id) DO UPDATE SET spoken_languages = EXCLUDED.spoken_languages, updated_at = EXCLUDED.updated_at
                          """,
                    new { branchId, tenant = db.Scope.TenantId, languages, now = time.GetUtcNow() },
                    tx,
                    cancellationToken: ct)).ConfigureAwait(false);
                await AuditLog.WriteAsync(c, tx, new AuditEntry(AuditActions.SettingsChanged, $"branch_settings/{branchId}", new Dictionary<string, string?>
                {
                    ["before"] = string.Join(',', before.SpokenLanguages ?? []),
                    ["after"] = string.Join(',', languages ?? []),
                }).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                return new Dictionary<string, string[]>(StringComparer.Ordinal);
            },
            ct);
    }
}
