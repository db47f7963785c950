using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;

namespace Iot.Dashboard.Tests.Reports;

/// <summary>
/// Reads an XLSX back with nothing but ZipArchive and XML (SpreadCheetah only writes): each sheet by name as rows of
/// cells, a cell being a string, a double, or null when empty. Enough for the summary workbook, not a general reader.
/// </summary>
public static class XlsxReader
{
    private static readonly XNamespace Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private static readonly XNamespace Rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private static readonly XNamespace PackageRel = "http://schemas.openxmlformats.org/package/2006/relationships";

    public static Dictionary<string, List<List<object?>>> Read(byte[] file)
    {
        using var zip = new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read);
        XDocument Load(string path) => XDocument.Load(zip.GetEntry(path)?.Open() ?? throw new InvalidDataException($"no {path} in the workbook"));
        var shared = zip.GetEntry("xl/sharedStrings.xml") is null ? [] : Load("xl/sharedStrings.xml").Root!.Elements(Main + "si").Select(si => string.Concat(si.Descendants(Main + "t").Select(t => t.Value))).ToList();
        var targets = Load("xl/_rels/workbook.xml.rels").Root!.Elements(PackageRel + "Relationship").ToDictionary(r => (string)r.Attribute("Id")!, r => (string)r.Attribute("Target")!);
        var sheets = new Dictionary<string, List<List<object?>>>(StringComparer.Ordinal);
        foreach (var sheet in Load("xl/workbook.xml").Root!.Descendants(Main + "sheet"))
        {
            var target = targets[(string)sheet.Attribute(Rel + "id")!].TrimStart('/');
            var rows = new List<List<object?>>();
            foreach (var row in Load(target.StartsWith("xl/", StringComparison.Ordinal) ? target : "xl/" + target).Descendants(Main + "row"))
            {
                var cells = new List<object?>();
                foreach (var c in row.Elements(Main + "c"))
                {
                    var column = Column((string?)c.Attribute("r")) ?? cells.Count;
                    while (cells.Count < column)
                    {
                        cells.Add(null);
                    }

                    var value = c.Element(Main + "v")?.Value;
                    cells.Add((string?)c.Attribute("t") switch
                    {
                        "s" => shared[int.Parse(value!, CultureInfo.InvariantCulture)],
                        "inlineStr" => string.Concat(c.Descendants(Main + "t").Select(t => t.Value)),
                        "str" => value,
                        "b" => value == "1",
                        _ => value is null ? null : double.Parse(value, CultureInfo.InvariantCulture),
                    });
                }

                rows.Add(cells);
            }

            sheets[(string)sheet.Attribute("name")!] = rows;
        }

        return sheets;
    }

    /// <summary>0-based column of a reference such as "C7".</summary>
    private static int? Column(string? reference)
    {
        if (reference is null)
        {
            return null;
        }

        var n = 0;
        foreach (var ch in reference.TakeWhile(char.IsLetter))
        {
            n = (n * 26) + (char.ToUpperInvariant(ch) - 'A' + 1);
        }

        return n - 1;
    }
}
