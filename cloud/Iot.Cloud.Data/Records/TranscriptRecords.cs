namespace Iot.Cloud.Data.Records;

// The JSON kept in transcripts.utterances, written by the pipeline and read by the dashboard and the analysers.
// Defined here once so a field the writer adds (Words did) cannot be dropped by a reader's private copy.

/// <summary>A phrase; <paramref name="Words"/> when the engine gives word times (so the dashboard can jump to a word).</summary>
public sealed record Utterance(int StartMs, int EndMs, string Text, IReadOnlyList<TimedWord>? Words = null);

public sealed record TimedWord(int StartMs, int EndMs, string Text);
