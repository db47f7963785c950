using PdfSharp.Fonts;

namespace Iot.Dashboard.Reports;

/// <summary>
/// PDFsharp 6 on Linux has no system fonts of its own: it asks a resolver for the font file. The reports use DejaVu Sans
/// (Debian's fonts-dejavu-core, installed by cloud/scripts/setup.sh and a dependency of the dashboard package) because
/// it covers Cyrillic and the Turkish, Azerbaijani and Uzbek Latin letters (ş ğ ı ə ö ü ç, o‘ g‘) branch and operator
/// names use; the fonts are embedded (subset) in each PDF, so readers need nothing installed.
/// </summary>
public sealed class ReportFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    public const string RegularFile = "DejaVuSans.ttf";
    public const string BoldFile = "DejaVuSans-Bold.ttf";

    private static readonly Lock Gate = new();
    private readonly string _directory;
    private readonly Dictionary<string, byte[]> _faces = new(StringComparer.Ordinal);

    private ReportFonts(string directory) => _directory = directory;

    /// <summary>
    /// PDFsharp takes one resolver per process, before its first font; every dashboard in the process (tests host
    /// several) then shares the first configured directory, which start-up validation has checked holds both files.
    /// </summary>
    public static void Install(string directory)
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is null)
            {
                GlobalFontSettings.FontResolver = new ReportFonts(directory);
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>

        // Every family asked for is served by DejaVu: a report never silently lacks a glyph for a name.
        new(bold ? BoldFile : RegularFile);

    public byte[]? GetFont(string faceName)
    {
        lock (_faces)
        {
            if (!_faces.TryGetValue(faceName, out var bytes))
            {
                bytes = File.ReadAllBytes(Path.Combine(_directory, faceName));
                _faces[faceName] = bytes;
            }

            return bytes;
        }
    }
}
