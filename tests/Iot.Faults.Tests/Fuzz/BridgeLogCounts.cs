using System.Text.Json;

namespace Iot.Faults.Tests.Fuzz;

/// <summary>
/// The bridge's own account of what it refused, read from its log (Serilog compact JSON, one event per line): the
/// bridge process exposes its counters there and nowhere else, so that is what an operator would look at too.
/// </summary>
public sealed record BridgeLogCounts(IReadOnlyDictionary<string, long> RejectedByReason, long PublishesRefused, long ProvisioningInvalid, long Errors, long Oversized)
{
    public long RejectedTotal => RejectedByReason.Values.Sum();

    public static async Task<BridgeLogCounts> ReadAsync(string logPath)
    {
        var byReason = new Dictionary<string, long>(StringComparer.Ordinal);
        long refused = 0, invalid = 0, errors = 0, oversized = 0;
        await using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            var e = json.RootElement;
            var message = e.TryGetProperty("@m", out var m) ? m.GetString() ?? "" : "";
            if (e.TryGetProperty("@l", out var level) && level.GetString() is "Error" or "Fatal")
            {
                errors++;
            }

            if (message.StartsWith("Rejected chunk from", StringComparison.Ordinal))
            {
                var reason = e.GetProperty("Reason").GetString() ?? "?";
                byReason[reason] = byReason.GetValueOrDefault(reason) + 1;
            }
            else if (message.StartsWith("MQTT PUBLISH refused", StringComparison.Ordinal))
            {
                refused++;
            }
            else if (message.StartsWith("PUBLISH of ", StringComparison.Ordinal) && message.Contains("exceeds Broker:MaxPacketBytes", StringComparison.Ordinal))
            {
                oversized++;
            }
            else if (message.StartsWith("Provisioning request from", StringComparison.Ordinal) && e.TryGetProperty("Status", out var status) && status.GetString() == "Invalid")
            {
                invalid++;
            }
        }

        return new BridgeLogCounts(byReason, refused, invalid, errors, oversized);
    }

    public BridgeLogCounts Minus(BridgeLogCounts before) => new(
        RejectedByReason.ToDictionary(kv => kv.Key, kv => kv.Value - before.RejectedByReason.GetValueOrDefault(kv.Key), StringComparer.Ordinal),
        PublishesRefused - before.PublishesRefused,
        ProvisioningInvalid - before.ProvisioningInvalid,
        Errors - before.Errors,
        Oversized - before.Oversized);
}
