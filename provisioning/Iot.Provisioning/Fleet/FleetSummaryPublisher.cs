using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Provisioning.Hosting;
using Iot.Provisioning.Messaging;
using Iot.Provisioning.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Fleet;

/// <summary>Publishes each tenant's <see cref="FleetSummary"/> retained, so a dashboard that connects sees it at once.</summary>
public sealed partial class FleetSummaryPublisher(
    FleetTracker tracker,
    ProvisioningStore store,
    IMessagePublisher publisher,
    IOptions<ProvisioningOptions> options,
    TimeProvider time,
    ILogger<FleetSummaryPublisher> logger) : BackgroundService
{
    public async Task PublishOnceAsync(CancellationToken ct)
    {
        var devices = await store.QueryAsync<(string TenantId, string DeviceId)>(
            "SELECT tenant_id, device_id FROM devices WHERE enabled AND revoked_at IS NULL", null, ct).ConfigureAwait(false);
        var pending = (await store.QueryAsync<(string TenantId, long Count)>(
            "SELECT tenant_id, count(*) FROM provisioning_requests WHERE status = 'pending' AND tenant_id IS NOT NULL GROUP BY tenant_id", null, ct).ConfigureAwait(false))
            .ToDictionary(p => p.TenantId, p => (int)p.Count);
        foreach (var tenant in devices.Select(d => d.TenantId).Concat(pending.Keys).Distinct())
        {
            var registered = devices.Where(d => d.TenantId == tenant).Select(d => d.DeviceId).ToHashSet();
            var (online, micMissing, backlog) = tracker.Snapshot(tenant, registered);
            var summary = new FleetSummary
            {
                TenantId = tenant,
                Devices = registered.Count,
                Online = online,
                MicMissing = micMissing,
                PendingProvisioning = pending.GetValueOrDefault(tenant),
                BacklogChunks = backlog,
                AtUtc = time.GetUtcNow(),
            };
            await publisher.PublishAsync(TopicTree.FleetSummary(tenant), ProtocolJson.Serialize(summary), retain: true, ct).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.FleetSummarySeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, time, stoppingToken).ConfigureAwait(false);
                await PublishOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogPublishFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Fleet summary publish failed")]
    private partial void LogPublishFailed(Exception exception);
}
