using PdfSharp.Pdf;

namespace Iot.Dashboard.Reports;

/// <summary>The summary as a PDF: headline figures, then the per-branch and per-operator tables (<see cref="PdfLayout"/>).</summary>
public static class SummaryPdf
{
    private static readonly PdfColumn[] Columns =
    [
        new("", 0.34), new("Dialogues", 0.12, true), new("Upsell rate", 0.135, true), new("Acceptance", 0.135, true),
        new("Avg quality", 0.135, true), new("Checklist", 0.135, true),
    ];

    public static void Write(ReportSummary s, Stream output)
    {
        using var document = new PdfDocument();
        document.Info.Title = $"Summary {s.PeriodText}";
        document.Info.Creator = "iot-dashboard";
        using (var layout = new PdfLayout(document, $"{s.TenantName} · {s.PeriodText}"))
        {
            layout.Text("Summary report", layout.Title, 6);
            layout.Text($"{s.TenantName} · {s.PeriodText} ({s.TimeZone})", layout.Body);
            layout.Text(s.ScopeText, layout.Body);
            layout.Text($"Generated {s.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC", layout.Body, 12);
            layout.Pairs(
            [
                ("Dialogues", SummaryFormat.Count(s.Total.Dialogues)),
                ("Analysed dialogues", SummaryFormat.Count(s.Total.Analysed)),
                ("Upsell attempt rate", SummaryFormat.Percent(s.Total.UpsellRate)),
                ("Acceptance rate (of attempts)", SummaryFormat.Percent(s.Total.AcceptanceRate)),
                ("Average quality (0–100)", SummaryFormat.Quality(s.Total.AverageQuality)),
                ("Checklist compliance", SummaryFormat.Percent(s.Total.ChecklistCompliance)),
            ]);
            layout.Space(10);
            Section(layout, "By branch", "Branch", s.Branches);
            Section(layout, "By operator", "Operator", s.Operators);
        }

        document.Save(output, closeStream: false);
    }

    private static void Section(PdfLayout layout, string title, string keyHeading, IReadOnlyList<SummaryRow> rows)
    {
        layout.Text(title, layout.Heading, 6);
        if (rows.Count == 0)
        {
            layout.Text("No dialogues in this period.", layout.Body, 10);
            return;
        }

        var columns = Columns.ToArray();
        columns[0] = columns[0] with { Heading = keyHeading };
        layout.Table(columns, [.. rows.Select(r => (IReadOnlyList<string>)
        [
            r.Name,
            SummaryFormat.Count(r.Figures.Dialogues),
            SummaryFormat.Percent(r.Figures.UpsellRate),
            SummaryFormat.Percent(r.Figures.AcceptanceRate),
            SummaryFormat.Quality(r.Figures.AverageQuality),
            SummaryFormat.Percent(r.Figures.ChecklistCompliance),
        ])]);
    }
}
