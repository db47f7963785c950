using Dapper;
using Iot.Provisioning.Alerts.Delivery;
using Iot.Provisioning.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Iot.Provisioning.Tests.Alerts.Delivery;

public sealed record DeliveryRow(
    long DeliveryId, string Status, int Attempts, DateTime NextAttemptAt, DateTime? LastAttemptAt, DateTime? DeliveredAt, int? ResponseStatus, string? LastError);

/// <summary>
/// A real bridge (embedded broker, PostgreSQL with the alert schema) whose own delivery worker is off, so each test
/// drives workers it builds from the bridge's services with a <see cref="FakeTimeProvider"/>: retries fall due when
/// the test moves the clock, not after real minutes.
/// </summary>
public sealed class DeliveryRig : IAsyncDisposable
{
    public const string Tenant = CloudNode.Tenant;

    private DeliveryRig(CloudNode node) => Node = node;

    public CloudNode Node { get; }

    /// <summary>Whole seconds, so a webhook's X-Iot-Timestamp and the rows' times compare exactly.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public static async Task<DeliveryRig> StartAsync(IDictionary<string, string?>? extra = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Alerts:Delivery:Enabled"] = "false",
            // The receivers in these tests listen on 127.0.0.1; the refusal of internal targets has its own test.
            ["Alerts:Delivery:AllowPrivateTargets"] = "true",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            config[k] = v;
        }

        return new DeliveryRig(await CloudNode.StartAsync(config));
    }

    /// <summary>A copy of the bridge's delivery options, for a test to change without touching the bridge's.</summary>
    public AlertDeliveryOptions Options
    {
        get
        {
            var o = Node.Services.GetRequiredService<IOptions<AlertDeliveryOptions>>().Value;
            return new AlertDeliveryOptions
            {
                Enabled = o.Enabled, PollSeconds = o.PollSeconds, MaxAttempts = o.MaxAttempts, TimeoutSeconds = o.TimeoutSeconds, BatchSize = o.BatchSize,
                FirstRetrySeconds = o.FirstRetrySeconds, MaxRetrySeconds = o.MaxRetrySeconds, AllowPrivateTargets = o.AllowPrivateTargets,
            };
        }
    }

    /// <summary>A worker as the bridge builds it, on the test's clock (or <paramref name="time"/>) and options.</summary>
    public AlertDeliveryWorker Worker(AlertDeliveryOptions? options = null, TimeProvider? time = null)
    {
        var o = Microsoft.Extensions.Options.Options.Create(options ?? Options);
        var clock = time ?? Clock;
        var guard = new WebhookTargetGuard(o.Value.AllowPrivateTargets);
        var webhooks = ActivatorUtilities.CreateInstance<WebhookSender>(Node.Services, clock, o, guard);
        var email = ActivatorUtilities.CreateInstance<EmailSender>(Node.Services, o);
        return ActivatorUtilities.CreateInstance<AlertDeliveryWorker>(Node.Services, clock, o, webhooks, email);
    }

    public async Task<long> AlertAsync(
        string? tenant = Tenant, string rule = "device-offline", string subject = "pos-1", string severity = "critical",
        string summary = "pos-1 offline for 75 minutes", string details = """{"value": 75, "threshold": 60, "unit": "minutes"}""")
    {
        await using var c = new NpgsqlConnection(Node.ConnectionString);
        return await c.ExecuteScalarAsync<long>(
            """
            INSERT INTO alerts (tenant_id, branch_id, device_id, rule, subject, severity, summary, details, first_seen_at, last_seen_at)
            VALUES (@tenant, @branch, @device, @rule, @subject, @severity, @summary, @details::jsonb, @at, @at) RETURNING alert_id
            """,
            new { tenant, branch = tenant is null ? null : CloudNode.Branch, device = tenant is null ? null : subject, rule, subject, severity, summary, details, at = Clock.GetUtcNow().AddMinutes(-75) });
    }

    public async Task<long> WebhookChannelAsync(string url, string template = "generic", string? secret = "channel-secret", bool enabled = true)
    {
        await using var c = new NpgsqlConnection(Node.ConnectionString);
        return await c.ExecuteScalarAsync<long>(
            "INSERT INTO alert_channels (tenant_id, kind, name, url, template, secret, enabled) VALUES (@Tenant, 'webhook', @name, @url, @template, @secret, @enabled) RETURNING channel_id",
            new { Tenant, name = template + " hook", url, template, secret, enabled });
    }

    public async Task<long> EmailChannelAsync(params string[] recipients)
    {
        await using var c = new NpgsqlConnection(Node.ConnectionString);
        return await c.ExecuteScalarAsync<long>(
            "INSERT INTO alert_channels (tenant_id, kind, name, recipients) VALUES (@Tenant, 'email', 'ops mail', @recipients) RETURNING channel_id",
            new { Tenant, recipients });
    }

    /// <summary>A pending delivery due now on the test clock, as the rule evaluator writes it.</summary>
    public async Task<long> DeliveryAsync(long alertId, long? channelId, string @event = "opened", string? tenant = Tenant)
    {
        await using var c = new NpgsqlConnection(Node.ConnectionString);
        return await c.ExecuteScalarAsync<long>(
            "INSERT INTO alert_deliveries (alert_id, tenant_id, channel_id, event, next_attempt_at) VALUES (@alertId, @tenant, @channelId, @event, @at) RETURNING delivery_id",
            new { alertId, tenant, channelId, @event, at = Clock.GetUtcNow() });
    }

    public async Task<DeliveryRow> RowAsync(long deliveryId)
    {
        await using var c = new NpgsqlConnection(Node.ConnectionString);
        return await c.QuerySingleAsync<DeliveryRow>(
            """
            SELECT delivery_id AS DeliveryId, status AS Status, attempts AS Attempts, next_attempt_at AS NextAttemptAt,
                   last_attempt_at AS LastAttemptAt, delivered_at AS DeliveredAt, response_status AS ResponseStatus, last_error AS LastError
            FROM alert_deliveries WHERE delivery_id = @deliveryId
            """,
            new { deliveryId });
    }

    public static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    public ValueTask DisposeAsync() => Node.DisposeAsync();
}
