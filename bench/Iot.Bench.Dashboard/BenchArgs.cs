using System.Globalization;

namespace Iot.Bench.Dashboard;

/// <summary>
/// --dialogues N (1,000,000), --segments-per-dialogue N (10), --transcript-share F (0.1), --requests N (200), --keep,
/// --reuse DATABASE (measure again on a database an earlier --keep run seeded and rolled up: no seeding, no raw-only rows),
/// --rebuild (with --reuse: forget the roll-up state first, so the first pass is a full build as after an upgrade).
/// </summary>
internal sealed record BenchArgs(int Dialogues, int SegmentsPerDialogue, double TranscriptShare, int Requests, bool Keep, string? Reuse, bool Rebuild)
{
    public static BenchArgs Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new BenchArgs(
            int.Parse(Value("--dialogues") ?? "1000000", CultureInfo.InvariantCulture),
            int.Parse(Value("--segments-per-dialogue") ?? "10", CultureInfo.InvariantCulture),
            double.Parse(Value("--transcript-share") ?? "0.1", CultureInfo.InvariantCulture),
            int.Parse(Value("--requests") ?? "200", CultureInfo.InvariantCulture),
            args.Contains("--keep") || Value("--reuse") is not null,
            Value("--reuse"),
            args.Contains("--rebuild"));
    }
}
