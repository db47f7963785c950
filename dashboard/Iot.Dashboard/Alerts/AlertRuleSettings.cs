using System.Globalization;
using Dapper;
using Iot.Dashboard.Data;
using Iot.Provisioning.Alerts;

namespace Iot.Dashboard.Alerts;

/// <summary>
/// The tenant's thresholds (<c>alert_rule_settings</c>) over the catalog's documented defaults. Platform rules (the
/// broker's certificate) are the operator's and not listed. Row security admits admins of all branches only; the
/// endpoint policy says the same, so a branch-scoped admin is refused before reaching the table.
/// </summary>
public sealed class AlertRuleSettings(TenantDb db, TimeProvider time)
{
    /// <summary>The rules a tenant may tune: device and tenant scope.</summary>
    public static IEnumerable<AlertRule> TenantRules => AlertRuleCatalog.All.Where(r => r.Scope != AlertScope.Platform);

    /// <summary>
    /// Largest threshold accepted per unit: beyond these a rule could never fire in practice, which is what switching it
    /// off is for (a typo of 6000 instead of 60 minutes should be caught, not stored).
    /// </summary>
    public static double MaxThreshold(string unit) => unit switch
    {
        "minutes" => 7 * 24 * 60,
        "% free" => 100,
        "restarts/h" => 1_000,
        "days" => 365,
        _ => 1_000_000,
    };

    public async Task<IReadOnlyList<AlertRuleSettingView>> ListAsync(CancellationToken ct)
    {
        var rows = (await db.QueryAsync<SettingRow>(
            "SELECT rule AS Rule, enabled AS Enabled, threshold AS Threshold, updated_at AS UpdatedAt, updated_by AS UpdatedBy FROM alert_rule_settings",
            null,
            ct).ConfigureAwait(false)).ToDictionary(r => r.Rule, StringComparer.Ordinal);
        return [.. TenantRules.Select(r => View(r, rows.GetValueOrDefault(r.Id)))];
    }

    /// <summary>Problems keyed by field (<c>rules[2].threshold</c>); empty = saved and audited.</summary>
    public async Task<Dictionary<string, string[]>> SaveAsync(AlertRulesChange change, CancellationToken ct)
    {
        var errors = Validate(change);
        if (errors.Count > 0)
        {
            return errors;
        }

        await db.RunAsync(
            async (c, tx) =>
            {
                var before = (await c.QueryAsync<SettingRow>(new CommandDefinition(
                    "SELECT rule AS Rule, enabled AS Enabled, threshold AS Threshold FROM alert_rule_settings FOR UPDATE", null, tx, cancellationToken: ct)).ConfigureAwait(false))
                    .ToDictionary(r => r.Rule, StringComparer.Ordinal);
                var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var item in change.Rules!)
                {
                    var rule = AlertRuleCatalog.Find(item.Rule)!;
                    var enabled = item.Enabled ?? true;
                    var threshold = item.Threshold is { } t && t != rule.DefaultThreshold ? t : (double?)null;
                    var old = before.GetValueOrDefault(rule.Id);
                    if ((old?.Enabled ?? true) == enabled && old?.Threshold == threshold)
                    {
                        continue;
                    }

                    // Back to the documented default: no row, so a later change of the default reaches this tenant too.
                    if (enabled && threshold is null)
                    {
                        await c.ExecuteAsync(new CommandDefinition("DELETE FROM alert_rule_settings WHERE rule = @Id", new { rule.Id }, tx, cancellationToken: ct)).ConfigureAwait(false);
                    }
                    else
                    {
                        await c.ExecuteAsync(new CommandDefinition(
                            """
                            INSERT INTO alert_rule_settings (tenant_id, rule, enabled, threshold, updated_at, updated_by)
                            VALUES (@tenant, @rule, @enabled, @threshold, @now, @actor)
                            ON CONFLICT (tenant_id, rule) DO UPDATE SET enabled = EXCLUDED.enabled, threshold = EXCLUDED.threshold,
                                updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
                            """,
                            new { tenant = db.Scope.TenantId, rule = rule.Id, enabled, threshold, now = time.GetUtcNow(), actor = db.Scope.Actor },
                            tx,
                            cancellationToken: ct)).ConfigureAwait(false);
                    }

                    changes[rule.Id] = $"{Describe(rule, old?.Enabled ?? true, old?.Threshold)} -> {Describe(rule, enabled, threshold)}";
                }

                if (changes.Count > 0)
                {
                    await AuditLog.WriteAsync(c, tx, new AuditEntry(AlertAudit.RulesChanged, "alert_rule_settings", changes).For(db.Scope.TenantId, db.Scope.Actor), at: null, ct).ConfigureAwait(false);
                }

                return changes.Count;
            },
            ct).ConfigureAwait(false);
        return errors;
    }

    private static Dictionary<string, string[]> Validate(AlertRulesChange change)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (change.Rules is not { Count: > 0 } rules)
        {
            errors["rules"] = ["rules must list at least one rule: [{rule, threshold, enabled}]"];
            return errors;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var item = rules[i];
            var key = $"rules[{i}]";
            if (item is null)
            {
                errors[key] = [$"{key} must be an object {{rule, threshold, enabled}}"];
                continue;
            }

            var rule = AlertRuleCatalog.Find(item.Rule);
            if (rule is null || rule.Scope == AlertScope.Platform)
            {
                errors[key + ".rule"] = [$"{key}.rule '{item.Rule}' is not a rule a tenant can set; one of: {string.Join(", ", TenantRules.Select(r => r.Id))}"];
                continue;
            }

            if (!seen.Add(rule.Id))
            {
                errors[key + ".rule"] = [$"{key}.rule '{rule.Id}' is listed twice"];
                continue;
            }

            var max = MaxThreshold(rule.Unit);
            if (item.Threshold is { } t && (!double.IsFinite(t) || t < 0 || t > max))
            {
                errors[key + ".threshold"] = [string.Create(CultureInfo.InvariantCulture, $"{key}.threshold for '{rule.Id}' must be 0..{max} {rule.Unit}, or empty for the default ({rule.DefaultThreshold} {rule.Unit})")];
            }
        }

        return errors;
    }

    private static AlertRuleSettingView View(AlertRule rule, SettingRow? row) => new(
        rule.Id, rule.Scope.ToString().ToLowerInvariant(), rule.Severity, rule.Description, rule.Unit, rule.DefaultThreshold, row?.Threshold,
        row?.Threshold ?? rule.DefaultThreshold, MaxThreshold(rule.Unit), row?.Enabled ?? true, row?.UpdatedAt, row?.UpdatedBy);

    private static string Describe(AlertRule rule, bool enabled, double? threshold) =>
        string.Create(CultureInfo.InvariantCulture, $"{(enabled ? "on" : "off")} at {threshold ?? rule.DefaultThreshold} {rule.Unit}{(threshold is null ? " (default)" : "")}");

    private sealed class SettingRow
    {
        public string Rule { get; init; } = "";
        public bool Enabled { get; init; }
        public double? Threshold { get; init; }
        public DateTime? UpdatedAt { get; init; }
        public string? UpdatedBy { get; init; }
    }
}
