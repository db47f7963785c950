namespace Iot.Dashboard.Reports;

/// <summary>The summary rendered whole into memory (a few pages at most), in the reader's language, for a download or a mail attachment.</summary>
public static class SummaryFiles
{
    public const string Pdf = "pdf";
    public const string Xlsx = "xlsx";

    public static readonly IReadOnlyList<string> Formats = [Pdf, Xlsx];

    public static string ContentType(string format) => format == Pdf ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static async Task<byte[]> RenderAsync(ReportSummary summary, ReportLanguage language, string format, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        if (format == Pdf)
        {
            SummaryPdf.Write(summary, language, buffer);
        }
        else
        {
            await SummaryXlsx.WriteAsync(summary, language, buffer, ct).ConfigureAwait(false);
        }

        return buffer.ToArray();
    }
}
