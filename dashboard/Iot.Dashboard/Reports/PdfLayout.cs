using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Iot.Dashboard.Reports;

/// <summary>A column of a <see cref="PdfLayout.Table"/>: heading, share of the text width, right-aligned (numbers) or not.</summary>
public sealed record PdfColumn(string Heading, double Share, bool Right = false);

/// <summary>
/// A small flow layout of our own on PDFsharp's XGraphics (MigraDoc is not available here): A4 pages top to bottom,
/// headings, label/value lines and tables whose header repeats on each page they continue on. Long cell text is cut
/// with an ellipsis rather than wrapped, so every row is one line high and page breaks stay simple.
/// </summary>
public sealed class PdfLayout : IDisposable
{
    private const double Margin = 40;
    private const double RowHeight = 16;

    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);
    private readonly PdfDocument _document;
    private readonly string _footer;
    private readonly Func<int, string> _pageText;

    /// <summary>Column headings from large to small: a translated heading longer than its column gets a smaller size before it is cut.</summary>
    private readonly XFont[] _narrowHeadings;
    private XGraphics? _gfx;
    private PdfPage? _page;
    private double _y;

    /// <param name="pageText">"page 2" in the reader's language, from the page number.</param>
    public PdfLayout(PdfDocument document, string footer, Func<int, string> pageText)
    {
        _document = document;
        _footer = footer;
        _pageText = pageText;
        Title = new XFont(ReportFonts.Family, 16, XFontStyleEx.Bold, Unicode);
        Heading = new XFont(ReportFonts.Family, 12, XFontStyleEx.Bold, Unicode);
        Body = new XFont(ReportFonts.Family, 9.5, XFontStyleEx.Regular, Unicode);
        Bold = new XFont(ReportFonts.Family, 9.5, XFontStyleEx.Bold, Unicode);
        _narrowHeadings = [Bold, new XFont(ReportFonts.Family, 8.5, XFontStyleEx.Bold, Unicode), new XFont(ReportFonts.Family, 7.5, XFontStyleEx.Bold, Unicode)];
        NewPage();
    }

    public XFont Title { get; }

    public XFont Heading { get; }

    public XFont Body { get; }

    public XFont Bold { get; }

    private double Width => _page!.Width.Point - (2 * Margin);

    private double Bottom => _page!.Height.Point - Margin - 14;

    public void Text(string text, XFont font, double after = 4)
    {
        Room(font.Height + after);
        _gfx!.DrawString(Fit(text, font, Width), font, XBrushes.Black, new XRect(Margin, _y, Width, font.Height), XStringFormats.TopLeft);
        _y += font.Height + after;
    }

    public void Space(double points) => _y += points;

    /// <summary>Label and value pairs in two columns (the headline figures).</summary>
    public void Pairs(IReadOnlyList<(string Label, string Value)> pairs)
    {
        foreach (var (label, value) in pairs)
        {
            Room(RowHeight);
            _gfx!.DrawString(label, Body, XBrushes.Black, new XRect(Margin, _y, Width * 0.45, RowHeight), XStringFormats.CenterLeft);
            _gfx.DrawString(value, Bold, XBrushes.Black, new XRect(Margin + (Width * 0.45), _y, Width * 0.25, RowHeight), XStringFormats.CenterRight);
            _y += RowHeight;
        }
    }

    public void Table(IReadOnlyList<PdfColumn> columns, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        Room(RowHeight * 2);
        Row(columns, columns.Select(c => c.Heading).ToList(), Bold, header: true);
        foreach (var row in rows)
        {
            if (_y + RowHeight > Bottom)
            {
                NewPage();
                Row(columns, columns.Select(c => c.Heading).ToList(), Bold, header: true);
            }

            Row(columns, row, Body, header: false);
        }

        _y += 6;
    }

    private void Row(IReadOnlyList<PdfColumn> columns, IReadOnlyList<string> cells, XFont font, bool header)
    {
        var x = Margin;
        if (header)
        {
            _gfx!.DrawRectangle(XBrushes.Gainsboro, Margin, _y, Width, RowHeight);
        }

        for (var i = 0; i < columns.Count; i++)
        {
            var width = Width * columns[i].Share;
            var cell = new XRect(x + 3, _y, width - 6, RowHeight);
            var cellFont = header ? Array.Find(_narrowHeadings, f => _gfx!.MeasureString(cells[i], f).Width <= cell.Width) ?? _narrowHeadings[^1] : font;
            _gfx!.DrawString(Fit(cells[i], cellFont, cell.Width), cellFont, XBrushes.Black, cell, columns[i].Right ? XStringFormats.CenterRight : XStringFormats.CenterLeft);
            x += width;
        }

        _gfx!.DrawLine(XPens.LightGray, Margin, _y + RowHeight, Margin + Width, _y + RowHeight);
        _y += RowHeight;
    }

    private string Fit(string text, XFont font, double width)
    {
        if (_gfx!.MeasureString(text, font).Width <= width)
        {
            return text;
        }

        var cut = text;
        while (cut.Length > 1 && _gfx.MeasureString(cut + "…", font).Width > width)
        {
            cut = cut[..^1];
        }

        return cut + "…";
    }

    private void Room(double height)
    {
        if (_y + height > Bottom)
        {
            NewPage();
        }
    }

    private void NewPage()
    {
        _gfx?.Dispose();
        _page = _document.AddPage();
        _page.Size = PdfSharp.PageSize.A4;
        _gfx = XGraphics.FromPdfPage(_page);
        _y = Margin;
        var footer = $"{_footer} · {_pageText(_document.PageCount)}";
        _gfx.DrawString(footer, Body, XBrushes.Gray, new XRect(Margin, _page.Height.Point - Margin, Width, 12), XStringFormats.TopLeft);
    }

    public void Dispose() => _gfx?.Dispose();
}
