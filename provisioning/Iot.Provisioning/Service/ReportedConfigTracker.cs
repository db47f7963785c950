using System.Text;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Provisioning.Storage;
using Microsoft.Extensions.Logging;

namespace Iot.Provisioning.Service;

/// <summary>Stores what each device says it runs, so operators see whether a desired version was taken or refused.</summary>
public sealed partial class ReportedConfigTracker(ProvisioningStore store, TimeProvider time, ILogger<ReportedConfigTracker> logger)
{
    public async Task OnReportedAsync(string tenantId, string deviceId, byte[] payload, CancellationToken ct)
    {
        var reported = ProtocolJson.TryDeserialize<ReportedConfig>(payload, out var error);
        if (reported is null)
        {
            LogBadReport(tenantId, deviceId, error);
            return;
        }

        // Only devices of that tenant; a report for a device without a desired document starts its row at version 0.
        await store.ExecuteAsync(
            """
            INSERT INTO device_configs (device_id, desired_version, desired, reported_version, reported, reported_error, reported_at)
            SELECT d.device_id, 0, @effective::jsonb, @applied, @effective::jsonb, @Error, @now FROM devices d
            WHERE d.device_id = @deviceId AND d.tenant_id = @tenantId
            ON CONFLICT (device_id) DO UPDATE SET reported_version = EXCLUDED.reported_version, reported = EXCLUDED.reported,
                reported_error = EXCLUDED.reported_error, reported_at = EXCLUDED.reported_at
            """,
            new
            {
                deviceId, tenantId, applied = reported.AppliedVersion, reported.Error, now = time.GetUtcNow(),
                effective = Encoding.UTF8.GetString(ProtocolJson.Serialize(reported.Effective)),
            },
            ct).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable reported config from {TenantId}/{DeviceId}: {Error}")]
    private partial void LogBadReport(string tenantId, string deviceId, string? error);
}
