using SpreadCheetah;
using SpreadCheetah.Styling;

namespace Iot.Dashboard.Reports;

/// <summary>
/// The summary as XLSX (SpreadCheetah): sheet "Summary" with the headline figures, "Branches" and "Operators" with the
/// counts and rates per row. Counts are numbers and rates are fractions styled as percentages, so a spreadsheet can
/// re-add them; "no data" is an empty cell, never 0.
/// </summary>
public static class SummaryXlsx
{
    /// <summary>Resource keys of the table columns after the row's own (branch or operator).</summary>
    internal static readonly string[] TableHeader =
    [
        "Report.Dialogues", "Report.AnalysedShort", "Report.UpsellAttempts", "Report.Accepted", "Report.UpsellRateShort", "Report.AcceptanceRate",
        "Report.AverageQuality", "Report.ChecklistMet", "Report.ChecklistItems", "Report.Compliance",
    ];

    public static async Task WriteAsync(ReportSummary s, ReportLanguage t, Stream output, CancellationToken ct)
    {
        await using var book = await Spreadsheet.CreateNewAsync(output, cancellationToken: ct).ConfigureAwait(false);
        var percent = book.AddStyle(new Style { Format = NumberFormat.Custom("0.0%") });
        var decimals = book.AddStyle(new Style { Format = NumberFormat.Custom("0.0") });
        var bold = book.AddStyle(new Style { Font = { Bold = true } });

        // Labels and dates are text in the reader's language; figures stay numbers (Excel shows them in its own locale).
        await book.StartWorksheetAsync(t["Report.SheetSummary"], token: ct).ConfigureAwait(false);
        foreach (var (label, value) in new[]
        {
            (t["Report.Tenant"], s.TenantName), (t["Report.From"], t.Date(s.Request.From)),
            (t["Report.ToInclusive"], t.Date(s.Request.To)), (t["Report.TimeZone"], s.TimeZone),
            (t["Report.Scope"], s.Scope.Text(t)), (t["Report.GeneratedUtc"], t.Time(s.GeneratedAt.UtcDateTime)),
        })
        {
            await book.AddRowAsync([new Cell(label, bold), new Cell(value)], ct).ConfigureAwait(false);
        }

        await book.AddRowAsync(Array.Empty<Cell>(), ct).ConfigureAwait(false);
        var f = s.Total;
        Cell[] totals =
        [
            new(f.Dialogues), new(f.Analysed), new(f.UpsellAttempts), new(f.Accepted), new(f.UpsellRate, percent), new(f.AcceptanceRate, percent),
            new(f.AverageQuality, decimals), new(f.ChecklistMet), new(f.ChecklistItems), new(f.ChecklistCompliance, percent),
        ];
        foreach (var (key, value) in TableHeader.Zip(totals))
        {
            await book.AddRowAsync([new Cell(t[key], bold), value], ct).ConfigureAwait(false);
        }

        await TableAsync(book, t, t["Report.SheetBranches"], [t["Report.BranchId"], t["Report.Branch"]], s.Branches, r => [new Cell(r.Key ?? ""), new Cell(r.Label(t, branch: true))], bold, percent, decimals, ct).ConfigureAwait(false);
        await TableAsync(book, t, t["Report.SheetOperators"], [t["Report.Operator"]], s.Operators, r => [new Cell(r.Key ?? "")], bold, percent, decimals, ct).ConfigureAwait(false);
        await book.FinishAsync(ct).ConfigureAwait(false);
    }

    private static async Task TableAsync(Spreadsheet book, ReportLanguage t, string name, string[] keys, IReadOnlyList<SummaryRow> rows, Func<SummaryRow, Cell[]> key, StyleId bold, StyleId percent, StyleId decimals, CancellationToken ct)
    {
        await book.StartWorksheetAsync(name, token: ct).ConfigureAwait(false);
        await book.AddRowAsync([.. keys.Concat(TableHeader.Select(h => t[h])).Select(h => new Cell(h, bold))], ct).ConfigureAwait(false);
        foreach (var r in rows)
        {
            var f = r.Figures;
            await book.AddRowAsync(
                [
                    .. key(r),
                    new Cell(f.Dialogues), new Cell(f.Analysed), new Cell(f.UpsellAttempts), new Cell(f.Accepted),
                    new Cell(f.UpsellRate, percent), new Cell(f.AcceptanceRate, percent), new Cell(f.AverageQuality, decimals),
                    new Cell(f.ChecklistMet), new Cell(f.ChecklistItems), new Cell(f.ChecklistCompliance, percent),
                ],
                ct).ConfigureAwait(false);
        }
    }
}
