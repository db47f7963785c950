using System.Net;
using System.Text.RegularExpressions;
using Iot.Security.Tests.Infrastructure;
using Xunit.Abstractions;
using static Iot.Security.Tests.Infrastructure.DashboardTenants;

namespace Iot.Security.Tests.Dashboard;

/// <summary>What every answer tells the browser (CSP, framing, sniffing, referrer) and what anonymous callers may read.</summary>
public sealed partial class ResponseHardeningTests(DashboardHost host, ITestOutputHelper output) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task Pages_and_api_answers_carry_a_script_tight_csp_no_framing_and_nosniff()
    {
        using var probes = new DashboardProbeCount(output);
        using var admin = await host.ClientAsAsync(AlphaAdmin);
        foreach (var (client, path) in new[] { (host.Anonymous(), "/signin"), (admin, "/"), (admin, "/reports"), (admin, "/api/overview"), (admin, $"/fleet/{AlphaNorthDevice}") })
        {
            using var response = await client.GetAsync(path);
            var csp = response.Headers.TryGetValues("Content-Security-Policy", out var c) ? string.Join(";", c) : "";
            var scriptSrc = Regex.Match(csp, "script-src([^;]*)").Groups[1].Value;
            probes.Record(
                $"{path}: framed by another site or scripts from elsewhere / inline",
                csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal) && scriptSrc.Trim() == "'self'",
                $"{(int)response.StatusCode} CSP '{csp}'");
            probes.Record(
                $"{path}: MIME sniffing",
                response.Headers.TryGetValues("X-Content-Type-Options", out var n) && n.Contains("nosniff"),
                string.Join(",", n ?? []));
            probes.Record($"{path}: referrer leaks to other sites", response.Headers.Contains("Referrer-Policy"), "");
        }
    }

    [Fact]
    public async Task Pages_have_no_inline_script_the_csp_would_block()
    {
        using var admin = await host.ClientAsAsync(AlphaAdmin);
        foreach (var path in new[] { "/", "/reports", "/fleet", "/settings", "/settings/analysis-profile", "/provisioning", $"/fleet/{AlphaNorthDevice}", $"/dialogues/{host.Tenants.AlphaNorthDialogue}", "/dialogues", "/performance", "/trends" })
        {
            using var response = await admin.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotMatch(InlineScript(), html);
            Assert.DoesNotMatch(InlineHandler(), html);
        }
    }

    [Fact]
    public async Task The_api_description_and_reference_need_a_sign_in()
    {
        using var probes = new DashboardProbeCount(output);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        foreach (var path in new[] { "/openapi/v1.json", "/scalar", "/scalar/v1" })
        {
            using var response = await anonymous.GetAsync(path);
            probes.Record($"anonymous {path}", response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.NotFound, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var admin = await host.ClientAsAsync(AlphaAdmin);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/openapi/v1.json")).StatusCode);
    }

    /// <summary>A script element with a body that is not a JSON data block.</summary>
    [GeneratedRegex("<script(?![^>]*type=\"application/json\")(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("\\son[a-z]+=\"", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();
}
