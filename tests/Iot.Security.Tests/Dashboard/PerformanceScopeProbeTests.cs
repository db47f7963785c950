using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Iot.Security.Tests.Infrastructure;
using static Iot.Security.Tests.Infrastructure.DashboardTenants;

namespace Iot.Security.Tests.Dashboard;

/// <summary>
/// The Performance/Trends API (issue 19) aggregates across rows, so a leak would be a figure, not an id: a north-only
/// supervisor's totals must equal the north branch's, whatever branch it asks for; another tenant's admin sees none of
/// Alpha's keys; a technician is refused. (The route matrix also probes these routes with Alpha's ids as filters.)
/// </summary>
public sealed class PerformanceScopeProbeTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private static readonly string Period = $"from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}";

    [Fact]
    public async Task Branch_scoped_and_foreign_callers_get_only_their_own_figures_and_technicians_none()
    {
        using var admin = await host.ClientAsAsync(AlphaAdmin);
        var all = await JsonAsync(admin, $"/api/performance?by=branch&{Period}");
        var rows = all.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("dialogues").GetInt32());
        Assert.True(rows.GetValueOrDefault(AlphaNorth) > 0 && rows.GetValueOrDefault(AlphaSouth) > 0, "the probe needs dialogues in both branches: " + all);
        var north = rows[AlphaNorth];

        using var supervisor = await host.ClientAsAsync(AlphaNorthSupervisor);
        foreach (var filter in new[] { "", $"&branch={AlphaSouth}", $"&device={AlphaSouthDevice}" })
        {
            var expected = filter.Length == 0 ? north : 0;
            var report = await JsonAsync(supervisor, $"/api/performance?by=branch&{Period}{filter}");
            var keys = report.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()).ToList();
            Record($"north supervisor: performance by branch{filter}", keys.All(k => k == AlphaNorth) && report.GetProperty("total").GetProperty("dialogues").GetInt32() == expected, report.ToString());

            var trend = await JsonAsync(supervisor, $"/api/trends?{Period}{filter}");
            var trendTotal = trend.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("dialogues").GetInt32());
            Record($"north supervisor: trends{filter}", trendTotal == expected, trend.ToString());

            var heat = await JsonAsync(supervisor, $"/api/trends/heatmap?{Period}{filter}");
            var heatTotal = heat.GetProperty("cells").EnumerateArray().Sum(c => c.GetProperty("dialogues").GetInt32());
            Record($"north supervisor: heat map{filter}", heatTotal == expected, heat.ToString());
        }

        using var bravo = await host.ClientAsAsync(BravoAdmin);
        foreach (var path in new[] { $"/api/performance?by=branch&{Period}", $"/api/performance?by=operator&{Period}", $"/api/trends?{Period}", $"/api/trends/heatmap?{Period}" })
        {
            using var response = await bravo.GetAsync(path + $"&branch={AlphaNorth}");
            var body = await response.Content.ReadAsStringAsync();
            // The filter it sent may be echoed back; nothing else of Alpha's, and no figure at all (Bravo has no such branch).
            var leaked = body.Replace(AlphaNorth, "", StringComparison.Ordinal).Contains("alpha", StringComparison.OrdinalIgnoreCase);
            Record($"other tenant's admin: {path}", response.StatusCode == HttpStatusCode.OK && !leaked && !HasFigures(body), body);
        }

        using var technician = await host.ClientAsAsync(AlphaTechnician);
        foreach (var path in new[] { "/api/performance", "/api/trends", "/api/trends/heatmap" })
        {
            using var response = await technician.GetAsync(path);
            Record($"technician: {path}", response.StatusCode == HttpStatusCode.Forbidden, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Whether any count in the answer is above zero (another tenant's filter must give an empty answer).</summary>
    private static bool HasFigures(string body)
    {
        using var doc = JsonDocument.Parse(body);
        return Walk(doc.RootElement);
        static bool Walk(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().Any(p => (p.Name == "dialogues" && p.Value.ValueKind == JsonValueKind.Number && p.Value.GetInt32() > 0) || Walk(p.Value)),
            JsonValueKind.Array => e.EnumerateArray().Any(Walk),
            _ => false,
        };
    }

    private static void Record(string probe, bool refused, string outcome) => ProbeLedger.Record(probe, refused, outcome);

    private static async Task<JsonElement> JsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
