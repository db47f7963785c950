using Iot.Protocol.Messages;
using Iot.TestSupport;

namespace Iot.Bench.Edge;

/// <summary>
/// Segment level: a detected segment matches a labelled utterance when their intersection over union is at least
/// 0.5, one to one (best pairs first); precision = matched / detected, recall = matched / labelled. Time level: the
/// share of detected time that is labelled speech and of labelled speech that is detected (padding counts against).
/// </summary>
internal readonly record struct SegmentScore(int Labelled, int Detected, int Matched, long LabelledSamples, long DetectedSamples, long OverlapSamples)
{
    public const double MinIou = 0.5;

    public double Precision => Detected == 0 ? (Labelled == 0 ? 1 : 0) : (double)Matched / Detected;

    public double Recall => Labelled == 0 ? 1 : (double)Matched / Labelled;

    public double F1 => F(Precision, Recall);

    public double TimePrecision => DetectedSamples == 0 ? (LabelledSamples == 0 ? 1 : 0) : (double)OverlapSamples / DetectedSamples;

    public double TimeRecall => LabelledSamples == 0 ? 1 : (double)OverlapSamples / LabelledSamples;

    public double TimeF1 => F(TimePrecision, TimeRecall);

    public static SegmentScore operator +(SegmentScore a, SegmentScore b) => new(
        a.Labelled + b.Labelled, a.Detected + b.Detected, a.Matched + b.Matched,
        a.LabelledSamples + b.LabelledSamples, a.DetectedSamples + b.DetectedSamples, a.OverlapSamples + b.OverlapSamples);

    public static SegmentScore Of(IReadOnlyList<LabelledRange> labelled, IReadOnlyList<SpeechSegment> detected)
    {
        var found = detected.Select(s => new LabelledRange(s.StartMs * 16L, s.EndMs * 16L)).ToList();
        var pairs = (from l in labelled.Select((r, i) => (r, i))
                     from d in found.Select((r, i) => (r, i))
                     let iou = Iou(l.r, d.r)
                     where iou >= MinIou
                     orderby iou descending
                     select (L: l.i, D: d.i)).ToList();
        var usedL = new HashSet<int>();
        var usedD = new HashSet<int>();
        foreach (var (l, d) in pairs)
        {
            if (!usedL.Contains(l) && !usedD.Contains(d))
            {
                usedL.Add(l);
                usedD.Add(d);
            }
        }

        var overlap = labelled.Sum(l => found.Sum(d => Intersection(l, d)));
        return new SegmentScore(labelled.Count, found.Count, usedL.Count, labelled.Sum(l => l.End - l.Start), found.Sum(d => d.End - d.Start), overlap);
    }

    private static double F(double p, double r) => p + r == 0 ? 0 : 2 * p * r / (p + r);

    private static long Intersection(LabelledRange a, LabelledRange b) => Math.Max(0, Math.Min(a.End, b.End) - Math.Max(a.Start, b.Start));

    private static double Iou(LabelledRange a, LabelledRange b)
    {
        var i = Intersection(a, b);
        return (double)i / (a.End - a.Start + b.End - b.Start - i);
    }
}
