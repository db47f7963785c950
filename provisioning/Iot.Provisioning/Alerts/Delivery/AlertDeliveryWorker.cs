using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using Iot.Provisioning.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>
/// Works through due <c>alert_deliveries</c> rows: claims a small batch (several bridges share the queue), sends each
/// to the MQTT alert topic, a webhook or e-mail, and records the attempt on the row. Failures are retried with backoff
/// until <see cref="AlertDeliveryOptions.MaxAttempts"/>; permanent ones (4xx, redirects, refused targets, disabled
/// channels, no SMTP) go dead at once.
/// </summary>
public sealed partial class AlertDeliveryWorker(
    AlertDeliveryStore store,
    IMessagePublisher publisher,
    WebhookSender webhooks,
    EmailSender email,
    IOptions<AlertDeliveryOptions> options,
    TimeProvider time,
    ILogger<AlertDeliveryWorker> logger) : BackgroundService
{
    private readonly Random _jitter = new();

    /// <summary>One claim-and-send pass; returns how many rows it handled (a full batch means more may be due).</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var batch = await store.ClaimDueAsync(time.GetUtcNow(), o.BatchSize, o.Lease, ct).ConfigureAwait(false);
        foreach (var delivery in batch)
        {
            DeliveryOutcome outcome;
            try
            {
                outcome = await SendAsync(delivery, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw; // the lease brings the row back for the next start
            }
            catch (Exception ex)
            {
                // A bug or an unforeseen failure in one channel must not stop the others: retry it like any failure.
                LogSendCrashed(ex, delivery.DeliveryId);
                outcome = DeliveryOutcome.Retry(ex.GetType().Name + ": " + ex.Message);
            }

            await RecordAsync(delivery, outcome, ct).ConfigureAwait(false);
        }

        return batch.Count;
    }

    private async Task<DeliveryOutcome> SendAsync(DueDelivery d, CancellationToken ct)
    {
        if (d.IsMqtt)
        {
            var topic = d.TenantId is null ? TopicTree.PlatformAlertEvents : TopicTree.AlertEvents(d.TenantId);
            try
            {
                await publisher.PublishAsync(topic, ProtocolJson.Serialize(AlertEventFactory.Create(d)), retain: false, ct).ConfigureAwait(false);
                return DeliveryOutcome.Delivered();
            }
            catch (InvalidOperationException ex)
            {
                return DeliveryOutcome.Retry(ex.Message);
            }
        }

        if (d.ChannelRowId is null)
        {
            return DeliveryOutcome.Dead("channel deleted");
        }

        if (!d.ChannelEnabled)
        {
            return DeliveryOutcome.Dead("channel disabled");
        }

        return d.Kind switch
        {
            "webhook" => await webhooks.SendAsync(d, ct).ConfigureAwait(false),
            "email" => await email.SendAsync(d, ct).ConfigureAwait(false),
            _ => DeliveryOutcome.Dead($"unknown channel kind '{d.Kind}'"),
        };
    }

    private async Task RecordAsync(DueDelivery d, DeliveryOutcome outcome, CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var attempts = d.Attempts + 1;
        var verdict = outcome.Verdict == DeliveryVerdict.Retry && attempts >= o.MaxAttempts ? DeliveryVerdict.Dead : outcome.Verdict;
        DateTimeOffset? next = verdict == DeliveryVerdict.Retry
            ? now + (outcome.RetryAfter is { } after ? RetrySchedule.Honour(after, o) : RetrySchedule.Delay(attempts, o, _jitter))
            : null;
        var status = verdict switch
        {
            DeliveryVerdict.Delivered => "delivered",
            DeliveryVerdict.Dead => "dead",
            _ => "pending",
        };
        var error = verdict == DeliveryVerdict.Dead && outcome.Verdict == DeliveryVerdict.Retry
            ? $"{outcome.Error} (gave up after {attempts} attempts)"
            : outcome.Error;
        await store.RecordAsync(d.DeliveryId, attempts, status, now, next, outcome.ResponseStatus, error, ct).ConfigureAwait(false);
        switch (verdict)
        {
            case DeliveryVerdict.Delivered:
                LogDelivered(d.DeliveryId, d.AlertId, Target(d), attempts);
                break;
            case DeliveryVerdict.Dead:
                LogDead(d.DeliveryId, d.AlertId, Target(d), attempts, error);
                break;
            default:
                LogRetry(d.DeliveryId, d.AlertId, Target(d), attempts, error, next);
                break;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(options.Value.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database away: the rows wait in the table, nothing is lost; look again after the poll period.
                LogPassFailed(ex);
            }

            if (handled < options.Value.BatchSize)
            {
                try
                {
                    await Task.Delay(poll, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private static string Target(DueDelivery d) => d.IsMqtt ? "mqtt" : $"{d.Kind} channel {d.ChannelId}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert delivery {DeliveryId} (alert {AlertId}) sent to {Target} on attempt {Attempts}")]
    private partial void LogDelivered(long deliveryId, long alertId, string target, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert delivery {DeliveryId} (alert {AlertId}) to {Target} failed on attempt {Attempts}: {Error}; next attempt {Next}")]
    private partial void LogRetry(long deliveryId, long alertId, string target, int attempts, string? error, DateTimeOffset? next);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert delivery {DeliveryId} (alert {AlertId}) to {Target} given up after {Attempts} attempts: {Error}")]
    private partial void LogDead(long deliveryId, long alertId, string target, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert delivery {DeliveryId} crashed while sending")]
    private partial void LogSendCrashed(Exception exception, long deliveryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert delivery pass failed")]
    private partial void LogPassFailed(Exception exception);
}
