using Iot.Edge.Agent.Speech;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Speech;

/// <summary>The managed Silero reproduces ONNX Runtime's probabilities window by window, state carried, on real speech in noise.</summary>
public class ManagedSileroParityTests
{
    /// <summary>float32 in a different summation order than ONNX Runtime's kernels; measured max 2.6e-6 over 5 × 750 windows (x64).</summary>
    private const double Tolerance = 1e-5;

    private readonly VadOptions _options = new();

    [Theory]
    [InlineData(null, 0)]
    [InlineData(NoiseKind.Pink, 10)]
    [InlineData(NoiseKind.Pink, 0)]
    [InlineData(NoiseKind.Brown, 5)]
    [InlineData(NoiseKind.Hum, 0)]
    public async Task Managed_Silero_scores_every_window_as_ONNX_Runtime_does(NoiseKind? noise, double snrDb)
    {
        var clip = await SpeechClips.CounterAsync(noise, snrDb);
        var samples = clip.Samples.Select(s => s / 32768f).ToArray();
        using var onnx = SpeechClips.Silero();
        using var managed = ManagedSileroSpeechDetector.Open(VadModelFile.Locate());

        var worst = 0.0;
        var worstAt = 0;
        var windows = samples.Length / ISpeechDetector.FrameSamples;
        for (var i = 0; i < windows; i++)
        {
            var frame = samples.AsSpan(i * ISpeechDetector.FrameSamples, ISpeechDetector.FrameSamples);
            var difference = Math.Abs(managed.Process(frame) - onnx.Process(frame));
            if (difference > worst)
            {
                (worst, worstAt) = (difference, i);
            }
        }

        Assert.True(worst < Tolerance, $"max |managed - onnxruntime| = {worst:E2} at window {worstAt} of {windows}");
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData(NoiseKind.Pink, 5)]
    [InlineData(NoiseKind.Brown, 5)]
    public async Task Managed_Silero_finds_the_same_segments_as_ONNX_Runtime(NoiseKind? noise, double snrDb)
    {
        var clip = await SpeechClips.CounterAsync(noise, snrDb);
        using var onnx = SpeechClips.Silero();
        using var managed = ManagedSileroSpeechDetector.Open(VadModelFile.Locate());

        var expected = SpeechClips.OnePass(onnx, _options, clip.Samples);
        var found = SpeechClips.OnePass(managed, _options, clip.Samples);

        Assert.NotEmpty(expected);
        Assert.Equal(SpeechClips.Describe(expected), SpeechClips.Describe(found));
    }

    [Fact]
    public void Managed_Silero_after_Reset_scores_as_a_fresh_ONNX_Runtime_session()
    {
        var random = new Random(7);
        var noise = Enumerable.Range(0, 30 * ISpeechDetector.FrameSamples).Select(_ => (float)(random.NextDouble() - 0.5) * 0.2f).ToArray();
        using var onnx = SpeechClips.Silero();
        using var managed = ManagedSileroSpeechDetector.Open(VadModelFile.Locate());
        foreach (var chunk in noise.Chunk(ISpeechDetector.FrameSamples))
        {
            managed.Process(chunk);
        }

        managed.Reset();

        foreach (var chunk in noise.Chunk(ISpeechDetector.FrameSamples))
        {
            var expected = onnx.Process(chunk);
            Assert.Equal(expected, managed.Process(chunk), Tolerance);
        }
    }
}
