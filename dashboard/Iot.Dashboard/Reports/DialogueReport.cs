using System.Globalization;
using System.Text;
using Iot.Dashboard.Data;
using Iot.Dashboard.Dialogues;
using SpreadCheetah;

namespace Iot.Dashboard.Reports;

/// <summary>Dialogue exports streamed straight to the response: CSV, or XLSX written row by row by SpreadCheetah.</summary>
public sealed class DialogueReport(DialogueQueries queries, TenantDb db)
{
    private static readonly string[] Header =
        ["dialogue_id", "started_at_utc", "branch", "device", "operator", "transaction", "speech_seconds", "upsell", "categories", "reaction", "quality", "sentiment", "summary", "reviewed", "reviewed_upsell", "reviewed_reaction", "transcript_flag"];

    public async Task WriteCsvAsync(DialogueFilter filter, Stream output, CancellationToken ct)
    {
        await AuditAsync("csv", filter, ct).ConfigureAwait(false);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await writer.WriteLineAsync(string.Join(',', Header)).ConfigureAwait(false);
        await foreach (var row in queries.StreamAsync(filter, ct).ConfigureAwait(false))
        {
            await writer.WriteLineAsync(string.Join(',', Values(row).Select(Csv))).ConfigureAwait(false);
        }

        await writer.FlushAsync(ct).ConfigureAwait(false);
    }

    public async Task WriteXlsxAsync(DialogueFilter filter, Stream output, CancellationToken ct)
    {
        await AuditAsync("xlsx", filter, ct).ConfigureAwait(false);
        await using var spreadsheet = await Spreadsheet.CreateNewAsync(output, cancellationToken: ct).ConfigureAwait(false);
        await spreadsheet.StartWorksheetAsync("Dialogues", token: ct).ConfigureAwait(false);
        await spreadsheet.AddRowAsync(Header.Select(h => new Cell(h)).ToArray(), ct).ConfigureAwait(false);
        await foreach (var row in queries.StreamAsync(filter, ct).ConfigureAwait(false))
        {
            await spreadsheet.AddRowAsync(Values(row).Select(v => new Cell(v)).ToArray(), ct).ConfigureAwait(false);
        }

        await spreadsheet.FinishAsync(ct).ConfigureAwait(false);
    }

    private static string[] Values(DialogueSummary d) =>
    [
        d.DialogueId.ToString(),
        d.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        d.BranchId ?? "",
        d.DeviceId,
        d.OperatorId ?? "",
        d.TransactionId ?? "",
        (d.SpeechMs / 1000.0).ToString("0.0", CultureInfo.InvariantCulture),
        d.UpsellAttempted switch { true => "yes", false => "no", null => "" },
        string.Join(';', d.OfferedCategories ?? []),
        d.CustomerReaction ?? "",
        d.QualityScore?.ToString(CultureInfo.InvariantCulture) ?? "",
        d.Sentiment ?? "",
        d.Summary ?? "",
        d.Reviewed ? (d.ReviewDisagrees == true ? "disagrees" : "agrees") : "no",
        d.ReviewedUpsell switch { true => "yes", false => "no", null => "" },
        d.ReviewedReaction ?? "",
        d.Flag ?? "",
    ];

    // A cell starting with = + - @ would run as a formula when the file is opened in a spreadsheet.
    private static string Csv(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private Task AuditAsync(string format, DialogueFilter filter, CancellationToken ct)
    {
        var details = new Dictionary<string, string?>
        {
            ["format"] = format,
            ["from"] = filter.From?.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = filter.To?.ToString("O", CultureInfo.InvariantCulture),
            ["branch"] = filter.Branch,
            ["device"] = filter.Device,
            ["operator"] = filter.Operator,
            ["upsell"] = filter.Upsell?.ToString(CultureInfo.InvariantCulture),
            ["qualityMin"] = filter.QualityMin?.ToString(CultureInfo.InvariantCulture),
            ["qualityMax"] = filter.QualityMax?.ToString(CultureInfo.InvariantCulture),
            ["sentiment"] = filter.Sentiment,
            ["reaction"] = filter.Reaction,
            ["checklistMissed"] = filter.ChecklistMissed,
            ["reviewed"] = filter.Reviewed,
            ["category"] = filter.Category,
            ["item"] = filter.Item,
            ["corrected"] = filter.Corrected?.ToString(CultureInfo.InvariantCulture),
            ["flagged"] = filter.Flagged?.ToString(CultureInfo.InvariantCulture),
            ["q"] = filter.Q,
        };

        // Only the filters that were used: the row says what left the building.
        var used = details.Where(d => d.Value is not null).ToDictionary(d => d.Key, d => d.Value);
        return db.AuditAsync(new AuditEntry(AuditActions.Export, "dialogues", used), ct);
    }
}
