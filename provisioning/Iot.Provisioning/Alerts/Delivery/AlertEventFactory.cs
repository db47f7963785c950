using System.Text.Json;
using Iot.Protocol.Messages;

namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>The wire payload of a delivery, built from the alert row as it is when the delivery is sent.</summary>
public static class AlertEventFactory
{
    public static AlertEvent Create(DueDelivery d)
    {
        var (value, threshold, unit) = ReadDetails(d.Details);
        return new AlertEvent
        {
            AlertId = d.AlertId,
            Event = d.Event,
            TenantId = d.TenantId,
            BranchId = d.BranchId,
            DeviceId = d.DeviceId,
            Rule = d.Rule,
            Subject = d.Subject,
            Severity = d.Severity,
            Summary = d.Summary,
            Value = value,
            Threshold = threshold,
            Unit = unit ?? AlertRuleCatalog.Find(d.Rule)?.Unit,
            FirstSeenUtc = Utc(d.FirstSeenAt),
            LastSeenUtc = Utc(d.LastSeenAt),
            Occurrences = d.Occurrences,
            ResolvedUtc = d.ResolvedAt is { } r ? Utc(r) : null,
            AcknowledgedUtc = d.AcknowledgedAt is { } a ? Utc(a) : null,
            AcknowledgedBy = d.AcknowledgedBy,
            // When the event itself happened, not when this attempt runs: a retried "opened" still says when it opened.
            AtUtc = Utc(d.Event switch
            {
                "resolved" => d.ResolvedAt ?? d.CreatedAt,
                "acknowledged" => d.AcknowledgedAt ?? d.CreatedAt,
                _ => d.FirstSeenAt,
            }),
        };
    }

    /// <summary>value, threshold and unit from <c>alerts.details</c>; anything missing or of another type is left out.</summary>
    public static (double? Value, double? Threshold, string? Unit) ReadDetails(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            var root = doc.RootElement;
            return (Number(root, "value"), Number(root, "threshold"),
                root.TryGetProperty("unit", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d : null;

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
