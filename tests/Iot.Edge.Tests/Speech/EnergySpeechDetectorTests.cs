using Iot.Edge.Agent.Speech;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Speech;

public class EnergySpeechDetectorTests
{
    private readonly VadOptions _options = new();

    [Fact]
    public async Task Energy_finds_each_utterance_in_clean_speech()
    {
        var clip = await SpeechClips.CounterAsync();
        using var energy = new EnergySpeechDetector();

        var found = SpeechClips.OnePass(energy, _options, clip.Samples);

        SpeechClips.AssertFindsEachLabel(clip, found, _options);
    }

    [Fact]
    public async Task Energy_finds_each_utterance_over_quiet_steady_noise()
    {
        var clip = await SpeechClips.CounterAsync(NoiseKind.Pink, snrDb: 30);
        using var energy = new EnergySpeechDetector();

        var found = SpeechClips.OnePass(energy, _options, clip.Samples);

        SpeechClips.AssertFindsEachLabel(clip, found, _options);
    }

    [Fact]
    public async Task Energy_ignores_steady_noise_alone_and_a_quiet_room()
    {
        var noise = LabelledSpeech.Compose(20, [], await LabelledSpeech.NoiseAsync(NoiseKind.Pink, 20), snrDb: 0);
        var quietRoom = LabelledSpeech.Compose(20, [], await LabelledSpeech.NoiseAsync(NoiseKind.Pink, 20), snrDb: 50);
        using var energy = new EnergySpeechDetector();

        Assert.Empty(SpeechClips.OnePass(energy, _options, noise.Samples));
        energy.Reset();
        Assert.Empty(SpeechClips.OnePass(energy, _options, quietRoom.Samples));
    }
}
