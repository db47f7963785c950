using PdfSharp.Pdf;

namespace Iot.Dashboard.Reports;

/// <summary>
/// The summary as a PDF in the reader's language (<see cref="ReportLanguage"/>): headline figures, then the per-branch
/// and per-operator tables (<see cref="PdfLayout"/>).
/// </summary>
public static class SummaryPdf
{
    /// <summary>Column widths; the headings are the reader's (translations are kept short enough for these).</summary>
    private static readonly double[] Shares = [0.34, 0.12, 0.135, 0.135, 0.135, 0.135];

    public static void Write(ReportSummary s, ReportLanguage t, Stream output)
    {
        var period = s.PeriodText(t);
        using var document = new PdfDocument();
        document.Info.Title = t["Report.DocTitle", period];
        document.Info.Creator = "iot-dashboard";
        document.Language = t.Culture.Name;
        using (var layout = new PdfLayout(document, $"{s.TenantName} · {period}", page => t["Report.Page", page]))
        {
            layout.Text(t["Report.Title"], layout.Title, 6);
            layout.Text($"{s.TenantName} · {period} ({s.TimeZone})", layout.Body);
            layout.Text(s.Scope.Text(t), layout.Body);
            layout.Text(t["Report.Generated", t.Time(s.GeneratedAt.UtcDateTime)], layout.Body, 12);
            layout.Pairs(
            [
                (t["Report.Dialogues"], t.Count(s.Total.Dialogues)),
                (t["Report.Analysed"], t.Count(s.Total.Analysed)),
                (t["Report.UpsellRate"], t.Percent(s.Total.UpsellRate)),
                (t["Report.AcceptanceOfAttempts"], t.Percent(s.Total.AcceptanceRate)),
                (t["Report.AverageQuality100"], t.Quality(s.Total.AverageQuality)),
                (t["Report.Compliance"], t.Percent(s.Total.ChecklistCompliance)),
            ]);
            layout.Space(10);
            Section(layout, t, t["Report.ByBranch"], t["Report.Branch"], s.Branches, branch: true);
            Section(layout, t, t["Report.ByOperator"], t["Report.Operator"], s.Operators, branch: false);
        }

        document.Save(output, closeStream: false);
    }

    private static void Section(PdfLayout layout, ReportLanguage t, string title, string keyHeading, IReadOnlyList<SummaryRow> rows, bool branch)
    {
        layout.Text(title, layout.Heading, 6);
        if (rows.Count == 0)
        {
            layout.Text(t["Report.NoDialogues"], layout.Body, 10);
            return;
        }

        string[] headings = [keyHeading, t["Report.Dialogues"], t["Report.ColUpsell"], t["Report.ColAcceptance"], t["Report.ColQuality"], t["Report.ColChecklist"]];
        PdfColumn[] columns = [.. headings.Select((h, i) => new PdfColumn(h, Shares[i], i > 0))];
        layout.Table(columns, [.. rows.Select(r => (IReadOnlyList<string>)
        [
            r.Label(t, branch),
            t.Count(r.Figures.Dialogues),
            t.Percent(r.Figures.UpsellRate),
            t.Percent(r.Figures.AcceptanceRate),
            t.Quality(r.Figures.AverageQuality),
            t.Percent(r.Figures.ChecklistCompliance),
        ])]);
    }
}
