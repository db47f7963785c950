using System.Net;
using Iot.Dashboard.Tests.Infrastructure;

namespace Iot.Dashboard.Tests.Pages;

/// <summary>Every screen renders (or is refused) per role; pages accept the same bearer token as the API.</summary>
public sealed class ScreenAccessTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    public static TheoryData<string, string, HttpStatusCode> Screens()
    {
        var data = new TheoryData<string, string, HttpStatusCode>();
        foreach (var path in new[] { "/", "/dialogues", "/dialogues/{acme}", "/reports", "/fleet", "/provisioning", "/settings" })
        {
            var content = path is "/dialogues" or "/dialogues/{acme}" or "/reports";
            var devices = path is "/fleet" or "/provisioning";
            data.Add(SeedData.AcmeAdmin, path, HttpStatusCode.OK);
            data.Add(SeedData.AcmeAnalyst, path, devices ? HttpStatusCode.Forbidden : HttpStatusCode.OK);
            data.Add(SeedData.AcmeTechnician, path, content ? HttpStatusCode.Forbidden : HttpStatusCode.OK);
            data.Add(SeedData.AcmeNorthSupervisor, path, HttpStatusCode.OK);
        }

        // The jobs screen: admins and supervisors (read only); analysts and technicians are refused.
        data.Add(SeedData.AcmeAdmin, "/jobs", HttpStatusCode.OK);
        data.Add(SeedData.AcmeNorthSupervisor, "/jobs", HttpStatusCode.OK);
        data.Add(SeedData.AcmeAnalyst, "/jobs", HttpStatusCode.Forbidden);
        data.Add(SeedData.AcmeTechnician, "/jobs", HttpStatusCode.Forbidden);

        // Alerts: read by admins, supervisors and technicians; their settings by admins of all branches only.
        data.Add(SeedData.AcmeAdmin, "/alerts", HttpStatusCode.OK);
        data.Add(SeedData.AcmeNorthSupervisor, "/alerts", HttpStatusCode.OK);
        data.Add(SeedData.AcmeTechnician, "/alerts", HttpStatusCode.OK);
        data.Add(SeedData.AcmeAnalyst, "/alerts", HttpStatusCode.Forbidden);
        data.Add(SeedData.AcmeAdmin, "/settings/alerts", HttpStatusCode.OK);
        data.Add(SeedData.AcmeNorthSupervisor, "/settings/alerts", HttpStatusCode.Forbidden);
        data.Add(SeedData.AcmeTechnician, "/settings/alerts", HttpStatusCode.Forbidden);
        data.Add(SeedData.AcmeAnalyst, "/settings/alerts", HttpStatusCode.Forbidden);

        // Performance and Trends (issue 19): admins, supervisors and analysts; technicians are refused.
        // Opportunities (issue 19 item 3) and the dialogue list's offer filters (item 4) answer the same roles.
        foreach (var path in new[]
        {
            "/performance", "/performance?by=branch&sort=key", "/trends", "/trends?interval=week&measure=compliance",
            "/opportunities", "/opportunities?view=declined&operator=op-anna", "/opportunities?view=items&sort=acceptanceRate&from=2026-11-14&to=2026-11-20",
        })
        {
            data.Add(SeedData.AcmeAdmin, path, HttpStatusCode.OK);
            data.Add(SeedData.AcmeNorthSupervisor, path, HttpStatusCode.OK);
            data.Add(SeedData.AcmeAnalyst, path, HttpStatusCode.OK);
            data.Add(SeedData.AcmeTechnician, path, HttpStatusCode.Forbidden);
        }

        data.Add(SeedData.AcmeAnalyst, "/dialogues?category=warranty&item=Premium%20Warranty&corrected=true&qualityMin=10", HttpStatusCode.OK);
        data.Add(SeedData.GlobexAdmin, "/dialogues/{acme}", HttpStatusCode.NotFound);
        data.Add(SeedData.AcmeNorthSupervisor, "/dialogues/{acmeSouth}", HttpStatusCode.NotFound);
        return data;
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Each_screen_answers_each_role_as_its_policy_says(string email, string path, HttpStatusCode expected)
    {
        using var client = await fx.ClientAsAsync(email);
        var url = path.Replace("{acme}", fx.Seed.AcmeDialogue.ToString(), StringComparison.Ordinal)
            .Replace("{acmeSouth}", fx.Seed.AcmeSouthDialogue.ToString(), StringComparison.Ordinal);
        var response = await client.GetAsync(url);
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("pageSize=1000", "pageSize must be 1..100")]
    [InlineData("sentiment=furious", "sentiment must be one of")]
    [InlineData("cursor=garbage", "cursor is not one this API issued")]
    public async Task Bad_filters_on_the_list_screen_are_shown_not_thrown(string query, string message)
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var response = await client.GetAsync("/dialogues?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transcript_text_is_html_encoded_on_the_detail_screen()
    {
        await using (var c = new Npgsql.NpgsqlConnection(fx.ConnectionString))
        {
            await c.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(
                """UPDATE transcripts SET utterances = '[{"startMs":0,"endMs":1000,"text":"<script>alert(1)</script> would you like our premium warranty"}]' WHERE dialogue_id = @id""", c);
            cmd.Parameters.AddWithValue("id", fx.Seed.AcmeDialogue);
            await cmd.ExecuteNonQueryAsync();
        }

        using var client = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        var html = await client.GetStringAsync($"/dialogues/{fx.Seed.AcmeDialogue}");
        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<mark class=\"evidence\">would you like our premium warranty</mark>", html, StringComparison.Ordinal);
    }
}
