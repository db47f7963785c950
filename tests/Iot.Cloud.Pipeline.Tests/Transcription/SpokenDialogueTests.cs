using Iot.TestSupport;
using Iot.TestSupport.Dialogues;

namespace Iot.Cloud.Pipeline.Tests.Transcription;

/// <summary>The spoken dialogue set other suites (bench, end-to-end runs) rely on.</summary>
public sealed class SpokenDialogueTests
{
    [Fact]
    public async Task A_spoken_dialogue_has_each_line_in_order_and_writes_a_wav_sox_reads_at_the_same_length()
    {
        var spoken = await DialogueSpeech.SpeakAsync(DialogueScripts.All.Single(d => d.Id == "tr-warranty-accepted"));
        using var dir = new TempDirectory("iot-dialogue");
        var wav = dir.Sub("d.wav");

        spoken.WriteWav(wav);

        Assert.Equal(spoken.Script.Lines.Count, spoken.Lines.Count);
        Assert.True(spoken.Lines.Zip(spoken.Lines.Skip(1)).All(p => p.First.EndMs + 600 <= p.Second.StartMs), "lines overlap or have no pause between them");
        Assert.All(spoken.Lines, l => Assert.True(l.EndMs - l.StartMs > 300, $"'{l.Line.Text}' is only {l.EndMs - l.StartMs} ms"));
        var seconds = double.Parse((await ExternalTool.RunCheckedAsync("soxi", ["-D", wav])).StdOut.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(spoken.Duration.TotalSeconds, seconds, 3);
    }
}
