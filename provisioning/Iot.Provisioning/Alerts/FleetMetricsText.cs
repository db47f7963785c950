using Iot.Telemetry.Metrics;

namespace Iot.Provisioning.Alerts;

/// <summary>
/// A <see cref="FleetSnapshot"/> as Prometheus text. Labels are bounded by what exists: tenant × rule for thresholds,
/// tenant/branch/device (device series per enabled, unrevoked device; a sample only where the value is known), tenant ×
/// job kind, tenant × usable claim. An empty label (no branch, a job of no tenant) is left out, as Prometheus does.
/// </summary>
internal static class FleetMetricsText
{
    public static string Render(FleetSnapshot s)
    {
        var text = new PrometheusText();

        // The platform row (no tenant label) carries the default for causes of no tenant: dead or late jobs of no tenant.
        var platform = AlertRuleCatalog.All.Where(r => r.Scope != AlertScope.Device)
            .Select(r => (r.DefaultThreshold, new[] { ("tenant", ""), ("rule", r.Id) }));
        text.Gauges(
            "iot_alert_threshold",
            "Alert threshold per tenant and rule, in the rule's unit (override or default); absent when the tenant switched the rule off. No tenant = the default, for platform causes.",
            s.Thresholds.Select(t => (t.Value, new[] { ("tenant", t.TenantId), ("rule", t.Rule) })).Concat(platform));

        Device(text, s, "iot_device_last_heard_timestamp_seconds", "Unix time the cloud last heard the device (status, telemetry or last_seen_at); absent = never.", d => d.LastHeard);
        Device(text, s, "iot_device_offline_since_timestamp_seconds", "Unix time the cloud heard the device's last status when that status is offline; absent otherwise.", d => d.OfflineSince);
        Device(text, s, "iot_device_online", "1 when the device's last status is online, 0 when offline; absent when no status was heard.", d => d.Online);
        Device(text, s, "iot_device_mic_missing_since_timestamp_seconds", "Unix time since which every telemetry reported the microphone missing (not while offline); absent otherwise.", d => d.MicMissingSince);
        Device(text, s, "iot_device_outbox_chunks", "Unsent chunks in the device's outbox (last telemetry).", d => d.OutboxChunks);
        Device(text, s, "iot_device_outbox_bytes", "Unsent audio bytes in the device's outbox (last telemetry).", d => d.OutboxBytes);
        Device(text, s, "iot_device_spool_free_ratio", "Free share (0..1) of the device's spool disk (last telemetry; agents that send both sizes).", d => d.SpoolFreePercent / 100);
        Device(text, s, "iot_device_restarts_1h", "Agent restarts of the device within the last hour.", d => d.Restarts);
        Device(text, s, "iot_device_rejected_chunks_1h", "Chunks the bridge refused from the device within the last 60 minutes (this clock hour plus the overlapping share of the previous).", d => d.Rejected);

        text.Gauges(
            "iot_jobs_dead_24h",
            "Pipeline jobs dead-lettered in the last 24 hours by tenant (absent = no tenant) and kind.",
            s.DeadJobs.Select(j => (j.Value, new[] { ("tenant", j.TenantId ?? ""), ("kind", j.Kind) })));
        text.Gauges(
            "iot_jobs_oldest_unfinished_created_timestamp_seconds",
            "Creation time (Unix) of the oldest queued, running or waiting transcribe/analyze/reanalyze job by tenant and kind.",
            s.OldestUnfinished.Select(j => (j.Value, new[] { ("tenant", j.TenantId ?? ""), ("kind", j.Kind) })));
        text.Gauges(
            "iot_claim_expiry_timestamp_seconds",
            "Unix time a still usable claim (not revoked, not expired, uses left) expires.",
            s.Claims.Select(c => (c.ExpiresAt, new[] { ("tenant", c.TenantId), ("claim", c.ClaimId) })));
        return text.ToString();
    }

    private static void Device(PrometheusText text, FleetSnapshot s, string name, string help, Func<FleetSnapshot.Device, double?> value) =>
        text.Gauges(
            name,
            help,
            s.Devices.Where(d => value(d) is not null)
                .Select(d => (value(d)!.Value, new[] { ("tenant", d.TenantId), ("branch", d.BranchId ?? ""), ("device", d.DeviceId) })));
}
