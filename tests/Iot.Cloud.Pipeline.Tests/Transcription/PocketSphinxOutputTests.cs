using Iot.Cloud.Pipeline.Transcription;

namespace Iot.Cloud.Pipeline.Tests.Transcription;

public sealed class PocketSphinxOutputTests
{
    // Captured from pocketsphinx_continuous 0.8+5prealpha -time yes on espeak-ng speech.
    private const string Captured = """
        would you like a lot
        <s> 2.840 2.860 0.999400
        would 2.870 3.050 0.089324
        you 3.060 3.260 0.971510
        <sil> 3.630 3.740 0.999200
        to(3) 5.590 5.720 0.078615
        [NOISE] 5.730 5.790 0.875977
        </s> 6.860 7.370 1.000000
        yes please
        <s> 7.450 7.470 0.999700
        yes 7.480 7.780 0.511260
        please 7.790 8.400 0.936967
        </s> 10.060 10.650 1.000000
        """;

    [Fact]
    public void Word_lines_become_timed_words_without_silences_fillers_or_pronunciation_variants()
    {
        var utterances = PocketSphinxOutput.Parse(Captured);

        Assert.Equal(2, utterances.Count);
        Assert.Equal("would you to", utterances[0].Text);
        Assert.Equal(new TimedWord(2870, 3050, "would"), utterances[0].Words![0]);
        Assert.Equal(new TimedWord(5590, 5720, "to"), utterances[0].Words![2]);
        Assert.Equal((2870, 5720), (utterances[0].StartMs, utterances[0].EndMs));
        Assert.Equal("yes please", utterances[1].Text);
    }

    [Fact]
    public void An_utterance_of_only_silence_is_dropped()
    {
        Assert.Empty(PocketSphinxOutput.Parse("\n<s> 0.000 0.100 1.0\n<sil> 0.100 0.900 1.0\n</s> 0.900 1.000 1.0\n"));
    }

    [Fact]
    public void The_confidence_is_the_words_posteriors_weighted_by_length_without_silences_or_fillers()
    {
        // would 180 ms x 0.089, you 200 x 0.972, to 130 x 0.079, yes 300 x 0.511, please 610 x 0.937; fillers ignored.
        Assert.Equal(0.6659, PocketSphinxOutput.MeanConfidence(Captured)!.Value, 0.0005);
        Assert.Null(PocketSphinxOutput.MeanConfidence("\n<s> 0.000 0.100 1.0\n<sil> 0.100 0.900 1.0\n</s> 0.900 1.000 1.0\n"));
    }
}
