using System.Text.Json;

namespace Iot.Faults.Tests.DiskFull;

/// <summary>The raw <c>/health</c> body of an agent, for the spool fields the harness's summary does not carry.</summary>
public static class HealthJson
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public static async Task<JsonElement?> TryReadAsync(int port)
    {
        try
        {
            // 503 (unhealthy) still carries the full report.
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"));
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.Clone();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    public static long Long(this JsonElement health, string name) => health.GetProperty(name).GetInt64();

    public static IReadOnlyList<string> Strings(this JsonElement health, string name) =>
        health.GetProperty(name).EnumerateArray().Select(e => e.GetString() ?? "").ToList();
}
