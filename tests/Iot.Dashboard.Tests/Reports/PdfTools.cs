using System.Globalization;
using Iot.TestSupport;

namespace Iot.Dashboard.Tests.Reports;

/// <summary>
/// Poppler's command-line tools (Debian's poppler-utils, installed by cloud/scripts/setup.sh): pdftoppm renders pages
/// as a person would see them, pdftotext extracts the text a reader would copy.
/// </summary>
public static class PdfTools
{
    /// <summary>Renders every page as PNG (kept as test artifacts) and as greyscale PGM (measured here).</summary>
    public static async Task<IReadOnlyList<(string Png, double DarkShare)>> RenderAsync(string pdf, string artifactPrefix)
    {
        var dir = Path.GetDirectoryName(artifactPrefix)!;
        Directory.CreateDirectory(dir);
        await RunAsync("pdftoppm", ["-r", "60", "-png", pdf, artifactPrefix]);
        var grey = Path.Combine(Path.GetTempPath(), "pgm-" + Guid.NewGuid().ToString("n"));
        await RunAsync("pdftoppm", ["-r", "60", "-gray", pdf, grey]);
        var pngs = Directory.GetFiles(dir, Path.GetFileName(artifactPrefix) + "-*.png").Order(StringComparer.Ordinal).ToList();
        var pgms = Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(grey) + "-*.pgm").Order(StringComparer.Ordinal).ToList();
        try
        {
            return [.. pngs.Zip(pgms, (png, pgm) => (png, DarkShare(File.ReadAllBytes(pgm))))];
        }
        finally
        {
            pgms.ForEach(File.Delete);
        }
    }

    public static Task<string> TextAsync(string pdf) => RunAsync("pdftotext", ["-layout", pdf, "-"]);

    /// <summary>Share of pixels darker than mid-grey in a binary PGM (P5, 8-bit).</summary>
    private static double DarkShare(byte[] pgm)
    {
        // Header: "P5", width, height, maxval, each separated by whitespace, then one byte per pixel.
        var fields = new List<string>();
        var i = 0;
        while (fields.Count < 4)
        {
            while (char.IsWhiteSpace((char)pgm[i]))
            {
                i++;
            }

            var start = i;
            while (!char.IsWhiteSpace((char)pgm[i]))
            {
                i++;
            }

            fields.Add(System.Text.Encoding.ASCII.GetString(pgm, start, i - start));
        }

        i++;
        var pixels = int.Parse(fields[1], CultureInfo.InvariantCulture) * int.Parse(fields[2], CultureInfo.InvariantCulture);
        return (double)pgm.AsSpan(i, pixels).ToArray().Count(b => b < 128) / pixels;
    }

    private static async Task<string> RunAsync(string tool, string[] args) => (await ExternalTool.RunCheckedAsync(tool, args)).StdOut;
}
