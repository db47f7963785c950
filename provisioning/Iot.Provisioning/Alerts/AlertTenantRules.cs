namespace Iot.Provisioning.Alerts;

/// <summary>
/// The tenant-wide rules (dead jobs and pipeline lag per job kind, claims about to expire) and the platform's
/// (the broker certificate). A job's tenant is that of its dialogue or device (<c>job_scopes</c>, migration 0055); a job
/// of neither is the platform's, so its dead letters open a platform alert (no tenant) with the default threshold.
/// </summary>
internal static class AlertTenantRules
{
    /// <summary>The job kinds whose waiting time is transcription or analysis lag.</summary>
    public static readonly string[] LagKinds = ["transcribe", "analyze", "reanalyze"];

    private sealed record JobRow(string? TenantId, string Kind, double Value, double Threshold);

    private sealed record ClaimRow(string TenantId, string ClaimId, DateTime ExpiresAt, double Value, double Threshold);

    public static async Task<List<AlertFiring>> EvaluateAsync(AlertPass pass, ICertificateExpirySource certificates)
    {
        var firings = new List<AlertFiring>();
        var dead = AlertRuleCatalog.Find(AlertRuleCatalog.DeadJobs)!;
        foreach (var r in await pass.QueryAsync<JobRow>(
                     $"""
                     WITH {AlertPass.Thresholds}
                     SELECT s.tenant_id AS TenantId, j.kind AS Kind, count(*)::float8 AS Value, coalesce(th.threshold, @def) AS Threshold
                     FROM jobs j JOIN job_scopes s ON s.job_id = j.job_id LEFT JOIN th ON th.tenant_id = s.tenant_id
                     WHERE {AlertMeasures.DeadLastDay} AND (s.tenant_id IS NULL OR th.tenant_id IS NOT NULL)
                     GROUP BY s.tenant_id, j.kind, th.threshold
                     HAVING count(*) >= coalesce(th.threshold, @def)
                     ORDER BY 1, 2
                     """,
                     dead).ConfigureAwait(false))
        {
            firings.Add(new AlertFiring(
                r.TenantId, null, null, dead.Id, r.Kind, dead.Severity,
                AlertFiring.F($"{r.Value:0} '{r.Kind}' job(s) dead-lettered in the last 24 hours (threshold {r.Threshold:0.##} {dead.Unit})"),
                r.Value, r.Threshold, dead.Unit, new Dictionary<string, object?> { ["kind"] = r.Kind }));
        }

        // Lag counts from when the job was created: a job retried with back-off or waiting for an engine is still late.
        var lag = AlertRuleCatalog.Find(AlertRuleCatalog.PipelineLag)!;
        foreach (var r in await pass.QueryAsync<JobRow>(
                     $"""
                     WITH {AlertPass.Thresholds}
                     SELECT s.tenant_id AS TenantId, j.kind AS Kind, extract(epoch FROM @now - min(j.created_at))::float8 / 60 AS Value,
                            coalesce(th.threshold, @def) AS Threshold
                     FROM jobs j JOIN job_scopes s ON s.job_id = j.job_id LEFT JOIN th ON th.tenant_id = s.tenant_id
                     WHERE {AlertMeasures.Unfinished} AND (s.tenant_id IS NULL OR th.tenant_id IS NOT NULL)
                     GROUP BY s.tenant_id, j.kind, th.threshold
                     HAVING extract(epoch FROM @now - min(j.created_at))::float8 / 60 >= coalesce(th.threshold, @def)
                     ORDER BY 1, 2
                     """,
                     lag,
                     new { kinds = LagKinds }).ConfigureAwait(false))
        {
            firings.Add(new AlertFiring(
                r.TenantId, null, null, lag.Id, r.Kind, lag.Severity,
                AlertFiring.F($"The oldest unfinished '{r.Kind}' job has waited {r.Value:0} min (threshold {r.Threshold:0.##} {lag.Unit})"),
                r.Value, r.Threshold, lag.Unit, new Dictionary<string, object?> { ["kind"] = r.Kind }));
        }

        // Claims: only those still usable (not revoked, not yet expired, uses left) matter; a spent one expiring is fine.
        var claim = AlertRuleCatalog.Find(AlertRuleCatalog.ClaimExpiry)!;
        foreach (var r in await pass.QueryAsync<ClaimRow>(
                     $"""
                     WITH {AlertPass.Thresholds}
                     SELECT c.tenant_id AS TenantId, c.claim_id AS ClaimId, c.expires_at AS ExpiresAt,
                            extract(epoch FROM c.expires_at - @now)::float8 / 86400 AS Value, th.threshold AS Threshold
                     FROM claim_tokens c JOIN th ON th.tenant_id = c.tenant_id
                     WHERE {AlertMeasures.UsableClaim}
                       AND c.expires_at <= @now + th.threshold * interval '1 day'
                     ORDER BY 1, 2
                     """,
                     claim).ConfigureAwait(false))
        {
            var expires = new DateTimeOffset(DateTime.SpecifyKind(r.ExpiresAt, DateTimeKind.Utc));
            firings.Add(new AlertFiring(
                r.TenantId, null, null, claim.Id, r.ClaimId, claim.Severity,
                AlertFiring.F($"Claim {r.ClaimId} expires in {r.Value:0.#} days ({expires:yyyy-MM-dd HH:mm}Z) with uses left (threshold {r.Threshold:0.##} {claim.Unit})"),
                r.Value, r.Threshold, claim.Unit, new Dictionary<string, object?> { ["expiresAt"] = expires }));
        }

        // The platform's certificates have no tenant to override the default; an expired one keeps firing (negative days).
        var cert = AlertRuleCatalog.Find(AlertRuleCatalog.CertificateExpiry)!;
        foreach (var c in certificates.Certificates())
        {
            var days = (c.NotAfter - pass.Now).TotalDays;
            if (days <= cert.DefaultThreshold)
            {
                var when = days >= 0 ? AlertFiring.F($"expires in {days:0.#} days") : AlertFiring.F($"expired {-days:0.#} days ago");
                firings.Add(new AlertFiring(
                    null, null, null, cert.Id, c.Name, cert.Severity,
                    AlertFiring.F($"Certificate {c.Name} ({c.Subject}) {when} ({c.NotAfter.UtcDateTime:yyyy-MM-dd HH:mm}Z) (threshold {cert.DefaultThreshold:0.##} {cert.Unit})"),
                    days, cert.DefaultThreshold, cert.Unit, new Dictionary<string, object?> { ["notAfter"] = c.NotAfter, ["certificateSubject"] = c.Subject }));
            }
        }

        return firings;
    }
}
