using System.Net;
using Iot.Security.Tests.Infrastructure;
using static Iot.Security.Tests.Infrastructure.DashboardTenants;

namespace Iot.Security.Tests.Dashboard;

/// <summary>
/// The missed-opportunity API (issue 19) lists quotes and offered items, so a leak would be a customer's words: Alpha's
/// all-branch admin sees its south branch's purchase quote, offered item and reply (the probe is not vacuous); a
/// north-only supervisor and another tenant's admin do not, whatever branch or device they name; a technician is refused.
/// </summary>
public sealed class OpportunityScopeProbeTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private static readonly string Period = $"from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}";

    private static readonly string[] Routes = ["missed", "declined", "items"];

    [Fact]
    public async Task Only_callers_of_the_south_branch_see_its_quotes_and_items_and_technicians_nothing()
    {
        var t = host.Tenants;
        var expected = new Dictionary<string, string>
        {
            ["missed"] = AlphaSouthPurchaseQuote,
            ["declined"] = AlphaSouthReplyQuote,
            ["items"] = AlphaSouthOfferedItem,
        };
        using var admin = await host.ClientAsAsync(AlphaAdmin);
        foreach (var route in Routes)
        {
            var body = await admin.GetStringAsync($"/api/opportunities/{route}?{Period}");
            Assert.True(body.Contains(expected[route], StringComparison.Ordinal), $"the probe needs Alpha's south {route}: {body}");
        }

        foreach (var (name, email, markers) in new[]
        {
            ("north-only supervisor", AlphaNorthSupervisor, t.AlphaSouthMarkers),
            ("north-only admin", AlphaNorthAdmin, t.AlphaSouthMarkers),
            ("other tenant's admin", BravoAdmin, t.AlphaMarkers),
        })
        {
            using var client = await host.ClientAsAsync(email);
            foreach (var route in Routes)
            {
                foreach (var filter in new[] { "", $"&branch={AlphaSouth}", $"&device={AlphaSouthDevice}", $"&operator=op-{AlphaSouthDevice}" })
                {
                    var path = $"/api/opportunities/{route}?{Period}{filter}";
                    using var response = await client.GetAsync(path);
                    var body = await response.Content.ReadAsStringAsync();
                    var leaked = markers.Where(m => !path.Contains(m, StringComparison.Ordinal) && body.Contains(m, StringComparison.Ordinal)).ToList();
                    ProbeLedger.Record($"{name}: {path}", response.StatusCode == HttpStatusCode.OK && leaked.Count == 0, $"{(int)response.StatusCode} {string.Join(", ", leaked)}");
                }
            }
        }

        using var technician = await host.ClientAsAsync(AlphaTechnician);
        foreach (var route in Routes)
        {
            using var response = await technician.GetAsync($"/api/opportunities/{route}?{Period}");
            ProbeLedger.Record($"technician: /api/opportunities/{route}", response.StatusCode == HttpStatusCode.Forbidden, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
