using Iot.Edge.Agent.Speech;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Speech;

/// <summary>The same behaviour from Silero on ONNX Runtime and from the managed implementation of its graph.</summary>
public abstract class SileroSpeechDetectorTests
{
    private readonly VadOptions _options = new();

    protected abstract ISpeechDetector Open(string modelPath);

    [Theory]
    [InlineData(null, 0)]
    [InlineData(NoiseKind.Pink, 10)]
    [InlineData(NoiseKind.Pink, 5)]
    [InlineData(NoiseKind.Brown, 5)]
    [InlineData(NoiseKind.Hum, 0)]
    public async Task Silero_finds_each_utterance_where_it_was_placed_and_nothing_else(NoiseKind? noise, double snrDb)
    {
        var clip = await SpeechClips.CounterAsync(noise, snrDb);
        using var silero = Open(VadModelFile.Locate());

        var found = SpeechClips.OnePass(silero, _options, clip.Samples);

        SpeechClips.AssertFindsEachLabel(clip, found, _options);
    }

    [Theory]
    [InlineData(NoiseKind.Pink)]
    [InlineData(NoiseKind.Brown)]
    [InlineData(NoiseKind.Hum)]
    public async Task Silero_finds_no_speech_in_loud_noise_alone(NoiseKind noise)
    {
        // With no speech to scale against, SNR 0 means noise at a talker's level (RMS ~ -20 dBFS).
        var clip = LabelledSpeech.Compose(20, [], await LabelledSpeech.NoiseAsync(noise, 20), snrDb: 0);
        using var silero = Open(VadModelFile.Locate());

        var found = SpeechClips.OnePass(silero, _options, clip.Samples);

        Assert.True(found.Count == 0, $"speech found in {noise} noise: {SpeechClips.Describe(found)}");
    }

    [Fact]
    public void Silero_finds_no_speech_in_digital_silence()
    {
        using var silero = Open(VadModelFile.Locate());

        var found = SpeechClips.OnePass(silero, _options, new short[16000 * 10]);

        Assert.Empty(found);
    }

    [Fact]
    public async Task Silero_carries_its_state_from_frame_to_frame_and_Reset_forgets_it()
    {
        var clip = await SpeechClips.CounterAsync();
        var speech = clip.Samples.AsSpan((int)clip.Speech[0].Start, 20 * ISpeechDetector.FrameSamples).ToArray().Select(x => x / 32768f).ToArray();
        using var silero = Open(VadModelFile.Locate());

        var fresh = Probabilities(silero, speech);
        var continued = Probabilities(silero, speech);
        silero.Reset();
        var afterReset = Probabilities(silero, speech);

        Assert.Contains(fresh.Zip(continued), p => Math.Abs(p.First - p.Second) > 1e-4);
        Assert.Equal(fresh, afterReset);
        Assert.True(fresh.Skip(5).Average() > 0.5, $"speech scored {string.Join(' ', fresh)}");
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(100_000)]
    [InlineData(2_000_000)]
    public void A_corrupt_model_is_refused_with_its_path_and_the_fetch_script(int keptBytes)
    {
        using var dir = new TempDirectory();
        var model = dir.Sub("silero_vad_v5.onnx");
        File.WriteAllBytes(model, File.ReadAllBytes(VadModelFile.Locate()).AsSpan(0, keptBytes).ToArray());

        var ex = Assert.Throws<VadModelException>(() => Open(model));

        Assert.Contains(model, ex.Message, StringComparison.Ordinal);
        Assert.Contains("fetch-vad-model.sh", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_model_is_refused_with_its_path_and_the_fetch_script()
    {
        using var dir = new TempDirectory();
        var model = dir.Sub("silero_vad_v5.onnx");

        var ex = Assert.Throws<VadModelException>(() => Open(model));

        Assert.Contains(model, ex.Message, StringComparison.Ordinal);
        Assert.Contains("fetch-vad-model.sh", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Silero_names_its_engine_silero_and_allocates_nothing_per_window()
    {
        using var silero = Open(VadModelFile.Locate());
        var frame = Enumerable.Range(0, ISpeechDetector.FrameSamples).Select(i => MathF.Sin(i * 0.3f) * 0.1f).ToArray();
        silero.Process(frame);

        // Batches, not one count: the JIT's tier-up can allocate once, at a moment set by a timer, in any batch. A
        // per-window allocation would show in every batch.
        var batches = new List<long>();
        for (var batch = 0; batch < 10; batch++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                silero.Process(frame);
            }

            batches.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal("silero", silero.Engine);
        Assert.True(batches.Min() == 0, $"bytes allocated per 100 windows: {string.Join(", ", batches)}");
    }

    [Fact]
    public void A_frame_of_the_wrong_length_is_refused()
    {
        using var silero = Open(VadModelFile.Locate());

        Assert.Throws<ArgumentException>(() => silero.Process(new float[480]));
    }

    private static float[] Probabilities(ISpeechDetector detector, float[] samples) =>
        Enumerable.Range(0, samples.Length / ISpeechDetector.FrameSamples)
            .Select(i => detector.Process(samples.AsSpan(i * ISpeechDetector.FrameSamples, ISpeechDetector.FrameSamples)))
            .ToArray();
}

public sealed class OnnxRuntimeSileroSpeechDetectorTests : SileroSpeechDetectorTests
{
    protected override ISpeechDetector Open(string modelPath) => SileroSpeechDetector.Open(modelPath);
}

public sealed class ManagedSileroSpeechDetectorTests : SileroSpeechDetectorTests
{
    protected override ISpeechDetector Open(string modelPath) => ManagedSileroSpeechDetector.Open(modelPath);
}
