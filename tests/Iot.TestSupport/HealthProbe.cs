using System.Net;
using System.Text.Json;

namespace Iot.TestSupport;

/// <summary>One answer of <c>/health/live</c> or <c>/health/ready</c>, as a supervisor would read it.</summary>
public sealed record HealthProbe(HttpStatusCode Code, string Status, IReadOnlyDictionary<string, HealthProbe.Check> Checks, string Body)
{
    public sealed record Check(string Status, string? Description);

    public static async Task<HealthProbe> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => new Check(c.GetProperty("status").GetString()!, c.GetProperty("description").GetString()));
        return new HealthProbe(response.StatusCode, json.RootElement.GetProperty("status").GetString()!, checks, body);
    }

    /// <summary>The failing checks' names, for asserting that exactly the expected dependency is blamed.</summary>
    public IReadOnlyList<string> Failing => Checks.Where(c => c.Value.Status != "healthy").Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
}
