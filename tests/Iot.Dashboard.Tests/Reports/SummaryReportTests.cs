using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Iot.Dashboard.Hosting;
using Iot.Dashboard.Reports;
using Npgsql;
using Xunit.Abstractions;
using static Iot.Dashboard.Tests.Reports.ReportsFixture;

namespace Iot.Dashboard.Tests.Reports;

/// <summary>
/// Issue 19 item 5: the summary as PDF (rendered by pdftoppm, text by pdftotext) and XLSX (read back from its XML),
/// with figures worked out by hand from <see cref="ReportsFixture"/>'s table for the Baku week 2–8 November 2026:
/// in the period 8 dialogues (D1–D7, D9), 6 analysed (D5 has no analysis, D7's transcript is flagged), 4 upsell
/// attempts, 2 accepted, quality 80+60+40+90+70+50 = 390, checklist 7 of 11 items met.
/// </summary>
public sealed class SummaryReportTests(ReportsFixture fx, ITestOutputHelper output) : IClassFixture<ReportsFixture>
{
    private const string Week = "from=2026-11-02&to=2026-11-08";

    [Fact]
    public async Task The_pdf_renders_one_page_holding_the_figures_and_cyrillic_and_azerbaijani_branch_names()
    {
        using var client = await fx.ClientAsAsync(Admin);
        using var response = await client.GetAsync($"/api/reports/summary.pdf?{Week}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("summary-20261102-20261108.pdf", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var pdf = Path.Combine(Path.GetTempPath(), $"summary-{Guid.NewGuid():n}.pdf");
        await File.WriteAllBytesAsync(pdf, await response.Content.ReadAsByteArrayAsync());
        try
        {
            var pages = await PdfTools.RenderAsync(pdf, Path.Combine(AppContext.BaseDirectory, "artifacts", "summary-pdf"));
            Assert.Single(pages);
            output.WriteLine($"rendered: {pages[0].Png}, dark share {pages[0].DarkShare:P2}");

            // Text and table lines, not a blank page and not a black one.
            Assert.InRange(pages[0].DarkShare, 0.005, 0.3);

            var text = await PdfTools.TextAsync(pdf);
            output.WriteLine(text);
            Assert.Contains(CenterName, text, StringComparison.Ordinal);
            Assert.Contains(BakuName, text, StringComparison.Ordinal);
            Assert.Contains(TashName, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Rival", text, StringComparison.Ordinal);
            Assert.Contains("2026-11-02 – 2026-11-08 (Asia/Baku)", text, StringComparison.Ordinal);

            // Headline: 8 dialogues, 6 analysed, 4/6 upsell, 2/4 accepted, 390/6 quality, 7/11 checklist.
            Assert.Matches(@"Dialogues\s+8\n", text);
            Assert.Matches(@"Analysed dialogues\s+6\n", text);
            Assert.Matches(@"Upsell attempt rate\s+66\.7 %", text);
            Assert.Matches(@"Acceptance rate \(of attempts\)\s+50\.0 %", text);
            Assert.Matches(@"Average quality \(0–100\)\s+65\.0", text);
            Assert.Matches(@"Checklist compliance\s+63\.6 %", text);

            // Per branch: centre 5 dialogues, 3/4 upsell, 2/3 accepted, 270/4 quality, 6/8 checklist; Baku 1 analysed of 2
            // (flagged D7, deleted D8 not counted); Tashkent no attempts, so no acceptance rate.
            Assert.Matches(CenterName + @"\s+5\s+75\.0 %\s+66\.7 %\s+67\.5\s+75\.0 %", text);
            Assert.Matches(BakuName + @"\s+2\s+100\.0 %\s+0\.0 %\s+70\.0\s+0\.0 %", text);
            Assert.Matches(TashName + @"\s+1\s+0\.0 %\s+—\s+50\.0\s+100\.0 %", text);

            // Per operator: Ivan D1, D2, D3 and D9 (the Sunday 23:30 local one; D10 and D11 fall outside).
            Assert.Matches(@"op-ivan\s+4\s+50\.0 %\s+50\.0 %\s+57\.5\s+71\.4 %", text);
            Assert.Matches(@"op-olga\s+2\s+100\.0 %\s+100\.0 %\s+90\.0\s+100\.0 %", text);
            Assert.Matches(@"op-aysel\s+2\s+100\.0 %\s+0\.0 %\s+70\.0\s+0\.0 %", text);
        }
        finally
        {
            File.Delete(pdf);
        }
    }

    [Fact]
    public async Task The_xlsx_holds_the_exact_counts_and_rates_per_branch_and_operator()
    {
        using var client = await fx.ClientAsAsync(Analyst);
        var book = XlsxReader.Read(await client.GetByteArrayAsync($"/api/reports/summary.xlsx?{Week}"));
        Assert.Equal(["Summary", "Branches", "Operators"], book.Keys);

        var summary = book["Summary"].Where(r => r.Count == 2 && r[0] is string).ToDictionary(r => (string)r[0]!, r => r[1]);
        Assert.Equal("Kupec", summary["Tenant"]);
        Assert.Equal("Asia/Baku", summary["Time zone"]);
        Assert.Equal(8.0, summary["Dialogues"]);
        Assert.Equal(6.0, summary["Analysed"]);
        Assert.Equal(4.0, summary["Upsell attempts"]);
        Assert.Equal(2.0, summary["Accepted"]);
        Assert.Equal(4.0 / 6, (double)summary["Upsell rate"]!, 12);
        Assert.Equal(0.5, (double)summary["Acceptance rate"]!, 12);
        Assert.Equal(65.0, (double)summary["Average quality"]!, 12);
        Assert.Equal(7.0, summary["Checklist items met"]);
        Assert.Equal(11.0, summary["Checklist items"]);
        Assert.Equal(7.0 / 11, (double)summary["Checklist compliance"]!, 12);

        // Columns: id, name, dialogues, analysed, attempts, accepted, upsell rate, acceptance, quality, met, items, compliance.
        var branches = book["Branches"].Skip(1).ToDictionary(r => (string)r[0]!, r => r);
        Assert.Equal([Baku, Center, Tash], branches.Keys.Order(StringComparer.Ordinal));
        Assert.Equal<object?>([Center, CenterName, 5.0, 4.0, 3.0, 2.0], branches[Center].Take(6));
        Assert.Equal(0.75, (double)branches[Center][6]!, 12);
        Assert.Equal(2.0 / 3, (double)branches[Center][7]!, 12);
        Assert.Equal(67.5, (double)branches[Center][8]!, 12);
        Assert.Equal<object?>([6.0, 8.0], branches[Center].Skip(9).Take(2));
        Assert.Equal(0.75, (double)branches[Center][11]!, 12);
        Assert.Equal<object?>([Baku, BakuName, 2.0, 1.0, 1.0, 0.0, 1.0, 0.0, 70.0, 0.0, 2.0, 0.0], branches[Baku]);

        // No upsell attempt in Tashkent: the acceptance cell is empty, not 0.
        Assert.Equal<object?>([Tash, TashName, 1.0, 1.0, 0.0, 0.0, 0.0, null, 50.0, 1.0, 1.0, 1.0], branches[Tash].Concat(Enumerable.Repeat<object?>(null, 12 - branches[Tash].Count)));

        var operators = book["Operators"].Skip(1).ToDictionary(r => (string)r[0]!, r => r);
        Assert.Equal(["op-aysel", "op-ivan", "op-olga"], operators.Keys.Order(StringComparer.Ordinal));
        Assert.Equal<object?>(["op-ivan", 4.0, 4.0, 2.0, 1.0, 0.5, 0.5, 57.5, 5.0, 7.0], operators["op-ivan"].Take(10));
        Assert.Equal(5.0 / 7, (double)operators["op-ivan"][10]!, 12);
    }

    [Fact]
    public async Task One_operator_and_one_branch_narrow_the_figures_and_each_download_is_audited()
    {
        using var client = await fx.ClientAsAsync(Admin);
        var book = XlsxReader.Read(await client.GetByteArrayAsync($"/api/reports/summary.xlsx?{Week}&operator=op-ivan&branch={Center}"));
        var summary = book["Summary"].Where(r => r.Count == 2 && r[0] is string).ToDictionary(r => (string)r[0]!, r => r[1]);
        Assert.Equal(3.0, summary["Dialogues"]);
        Assert.Equal($"Branch: {CenterName} ({Center}) · Operator: op-ivan", summary["Scope"]);
        Assert.Equal(60.0, (double)summary["Average quality"]!, 12);

        await using var c = new NpgsqlConnection(fx.ConnectionString);
        var details = await c.QueryFirstAsync<string>("SELECT details::text FROM audit_log WHERE actor = @Admin AND action = 'export' AND target = 'summary' ORDER BY audit_id DESC LIMIT 1", new { Admin });
        var audit = JsonSerializer.Deserialize<Dictionary<string, string>>(details)!;
        Assert.Equal("xlsx", audit["format"]);
        Assert.Equal("op-ivan", audit["operator"]);
        Assert.Equal(Center, audit["branch"]);
    }

    [Fact]
    public async Task A_branch_manager_gets_only_their_branch_and_never_another_branch_or_tenant()
    {
        using var manager = await fx.ClientAsAsync(CenterManager);
        var book = XlsxReader.Read(await manager.GetByteArrayAsync($"/api/reports/summary.xlsx?{Week}"));
        var summary = book["Summary"].Where(r => r.Count == 2 && r[0] is string).ToDictionary(r => (string)r[0]!, r => r[1]);
        Assert.Equal(5.0, summary["Dialogues"]);
        Assert.Equal($"Branches: {CenterName}", summary["Scope"]);
        Assert.Equal([Center], book["Branches"].Skip(1).Select(r => (string)r[0]!));
        Assert.Equal(["op-ivan", "op-olga"], book["Operators"].Skip(1).Select(r => (string)r[0]!));

        // Another branch of the tenant, another tenant's branch: not found, as any foreign id.
        foreach (var branch in new[] { Baku, RivalBranch })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/reports/summary.pdf?{Week}&branch={branch}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/reports/summary.xlsx?{Week}&branch={branch}")).StatusCode);
        }

        // An operator of another branch: the figures stay within the manager's branches (none of hers there).
        var aysel = XlsxReader.Read(await manager.GetByteArrayAsync($"/api/reports/summary.xlsx?{Week}&operator=op-aysel"));
        Assert.Equal(0.0, aysel["Summary"].Single(r => r.Count == 2 && (string?)r[0] == "Dialogues")[1]);

        using var rival = await fx.ClientAsAsync(RivalAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await rival.GetAsync($"/api/reports/summary.pdf?{Week}&branch={Center}")).StatusCode);
        var own = XlsxReader.Read(await rival.GetByteArrayAsync($"/api/reports/summary.xlsx?{Week}&operator=op-ivan"));
        Assert.Equal(0.0, own["Summary"].Single(r => r.Count == 2 && (string?)r[0] == "Dialogues")[1]);
        Assert.DoesNotContain(own["Branches"].Skip(1), r => (string?)r[0] != RivalBranch);

        using var technician = await fx.ClientAsAsync(Technician);
        Assert.Equal(HttpStatusCode.Forbidden, (await technician.GetAsync($"/api/reports/summary.pdf?{Week}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await technician.GetAsync("/api/reports/subscriptions")).StatusCode);
    }

    [Fact]
    public async Task Bad_periods_and_ids_are_a_400_naming_the_parameter()
    {
        using var client = await fx.ClientAsAsync(Admin);
        foreach (var (query, key) in new[]
        {
            ("from=2026-13-01&to=2026-11-08", "from"), ("from=2026-11-09&to=2026-11-08", "from"), ("from=2025-01-01&to=2026-11-08", "to"),
            ("from=2026-11-02&to=yesterday", "to"), ("from=2026-11-02&to=2026-11-08&operator=" + new string('x', 101), "operator"),
        })
        {
            using var response = await client.GetAsync("/api/reports/summary.pdf?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty(key, out _), $"{query}: {errors}");
        }
    }

    [Fact]
    public void Report_options_are_checked_at_start_up_naming_the_key()
    {
        var o = new DashboardOptions();
        o.Reports.FontDirectory = "/nonexistent-fonts";
        o.Reports.MailPollSeconds = -1;
        o.Reports.Smtp.Host = "smtp.example.com";
        o.Reports.Smtp.From = "not an address";
        var result = new ReportOptionsValidator().Validate(null, o);
        Assert.True(result.Failed);
        var failures = string.Join('\n', result.Failures!);
        Assert.Contains("Dashboard:Reports:FontDirectory '/nonexistent-fonts' has no DejaVuSans.ttf", failures, StringComparison.Ordinal);
        Assert.Contains("Dashboard:Reports:MailPollSeconds -1 must be 0..86400", failures, StringComparison.Ordinal);
        Assert.Contains("Dashboard:Reports:Smtp:From must be a mail address", failures, StringComparison.Ordinal);
        Assert.True(new ReportOptionsValidator().Validate(null, new DashboardOptions()).Succeeded);
    }
}
