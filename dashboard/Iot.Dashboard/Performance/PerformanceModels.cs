namespace Iot.Dashboard.Performance;

/// <summary>
/// Counts behind a row or a point. Rates: attempt = attempted / analysed, acceptance = accepted / attempted (customer
/// reaction 'accepted'), quality = mean score of the analysed. Analysed means an analysis whose transcript is not
/// flagged (migration 0053), as on the overview; flagged ones are only counted.
/// </summary>
public sealed record Measures(int Dialogues, int Analysed, int Attempted, int Accepted, long QualitySum, int Flagged)
{
    public static readonly Measures Zero = new(0, 0, 0, 0, 0, 0);

    public double? AttemptRate => Analysed == 0 ? null : (double)Attempted / Analysed;

    public double? AcceptanceRate => Attempted == 0 ? null : (double)Accepted / Attempted;

    public double? AverageQuality => Analysed == 0 ? null : (double)QualitySum / Analysed;

    public Measures Add(Measures o) => new(Dialogues + o.Dialogues, Analysed + o.Analysed, Attempted + o.Attempted, Accepted + o.Accepted, QualitySum + o.QualitySum, Flagged + o.Flagged);
}

/// <summary>Current minus previous: dialogues as a count, rates as fractions (0.05 = 5 points), quality in score points; null when either side has none.</summary>
public sealed record MeasureChange(int Dialogues, double? AttemptRate, double? AcceptanceRate, double? AverageQuality)
{
    public static MeasureChange Between(Measures current, Measures previous) => new(
        current.Dialogues - previous.Dialogues,
        Diff(current.AttemptRate, previous.AttemptRate),
        Diff(current.AcceptanceRate, previous.AcceptanceRate),
        Diff(current.AverageQuality, previous.AverageQuality));

    internal static double? Diff(double? a, double? b) => a is { } x && b is { } y ? x - y : null;
}

/// <summary>One checklist item: of the analysed dialogues that judged it, how many met it (rate = met / checked).</summary>
public sealed record ItemCompliance(string ItemId, int Checked, int Met, double? Rate, int PreviousChecked, int PreviousMet, double? PreviousRate, double? Change);

public sealed record PerformanceRow(
    string? Key,
    int Dialogues,
    double? AttemptRate,
    double? AcceptanceRate,
    double? AverageQuality,
    Measures Current,
    Measures Previous,
    MeasureChange Change,
    IReadOnlyList<ItemCompliance> Checklist);

/// <summary>
/// The Performance table: one row per operator or branch that had a dialogue in either period (key null = dialogues
/// without an operator / branch), and <see cref="Total"/> over the filter. Days are local days of <see cref="TimeZone"/>;
/// <see cref="To"/> and <see cref="PreviousTo"/> are inclusive.
/// </summary>
public sealed record PerformanceReport(
    string By,
    DateOnly From,
    DateOnly To,
    DateOnly PreviousFrom,
    DateOnly PreviousTo,
    string TimeZone,
    string Sort,
    string? Branch,
    string? Device,
    IReadOnlyList<string> ChecklistItems,
    IReadOnlyList<PerformanceRow> Rows,
    PerformanceRow Total);

/// <summary>One day, or one ISO week (Monday..Sunday) clipped to the period: <see cref="Start"/>..<see cref="End"/> inclusive.</summary>
public sealed record TrendPoint(
    DateOnly Start,
    DateOnly End,
    int Dialogues,
    int Analysed,
    int Attempted,
    int Accepted,
    double? AttemptRate,
    double? AcceptanceRate,
    double? AverageQuality,
    int ChecklistChecked,
    int ChecklistMet,
    double? Compliance,
    double? Value);

public sealed record TrendSeries(string Measure, string Interval, DateOnly From, DateOnly To, string TimeZone, string? Branch, string? Device, IReadOnlyList<TrendPoint> Points);

/// <summary>ISO weekday (1 = Monday .. 7 = Sunday) and local hour; upsell rate = attempted / analysed.</summary>
public sealed record HeatCell(int Weekday, int Hour, int Dialogues, int Analysed, int Attempted, double? UpsellRate);

public sealed record HeatMap(DateOnly From, DateOnly To, string TimeZone, string? Branch, string? Device, IReadOnlyList<HeatCell> Cells);
