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
    private static readonly string[] TableHeader =
        ["Dialogues", "Analysed", "Upsell attempts", "Accepted", "Upsell rate", "Acceptance rate", "Average quality", "Checklist items met", "Checklist items", "Checklist compliance"];

    public static async Task WriteAsync(ReportSummary s, Stream output, CancellationToken ct)
    {
        await using var book = await Spreadsheet.CreateNewAsync(output, cancellationToken: ct).ConfigureAwait(false);
        var percent = book.AddStyle(new Style { Format = NumberFormat.Custom("0.0%") });
        var decimals = book.AddStyle(new Style { Format = NumberFormat.Custom("0.0") });
        var bold = book.AddStyle(new Style { Font = { Bold = true } });

        await book.StartWorksheetAsync("Summary", token: ct).ConfigureAwait(false);
        foreach (var (label, value) in new[]
        {
            ("Tenant", s.TenantName), ("From", s.Request.From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ("To (inclusive)", s.Request.To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), ("Time zone", s.TimeZone),
            ("Scope", s.ScopeText), ("Generated (UTC)", s.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
        })
        {
            await book.AddRowAsync([new Cell(label, bold), new Cell(value)], ct).ConfigureAwait(false);
        }

        await book.AddRowAsync(Array.Empty<Cell>(), ct).ConfigureAwait(false);
        var t = s.Total;
        foreach (var cell in new (string Label, Cell Value)[]
        {
            ("Dialogues", new Cell(t.Dialogues)), ("Analysed", new Cell(t.Analysed)), ("Upsell attempts", new Cell(t.UpsellAttempts)),
            ("Accepted", new Cell(t.Accepted)), ("Upsell rate", new Cell(t.UpsellRate, percent)), ("Acceptance rate", new Cell(t.AcceptanceRate, percent)),
            ("Average quality", new Cell(t.AverageQuality, decimals)), ("Checklist items met", new Cell(t.ChecklistMet)),
            ("Checklist items", new Cell(t.ChecklistItems)), ("Checklist compliance", new Cell(t.ChecklistCompliance, percent)),
        })
        {
            await book.AddRowAsync([new Cell(cell.Label, bold), cell.Value], ct).ConfigureAwait(false);
        }

        await TableAsync(book, "Branches", ["Branch id", "Branch"], s.Branches, r => [new Cell(r.Key ?? ""), new Cell(r.Name)], bold, percent, decimals, ct).ConfigureAwait(false);
        await TableAsync(book, "Operators", ["Operator"], s.Operators, r => [new Cell(r.Key ?? "")], bold, percent, decimals, ct).ConfigureAwait(false);
        await book.FinishAsync(ct).ConfigureAwait(false);
    }

    private static async Task TableAsync(Spreadsheet book, string name, string[] keys, IReadOnlyList<SummaryRow> rows, Func<SummaryRow, Cell[]> key, StyleId bold, StyleId percent, StyleId decimals, CancellationToken ct)
    {
        await book.StartWorksheetAsync(name, token: ct).ConfigureAwait(false);
        await book.AddRowAsync([.. keys.Concat(TableHeader).Select(h => new Cell(h, bold))], ct).ConfigureAwait(false);
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
