using Iot.Edge.Agent.Speech.Silero;

namespace Iot.Edge.Agent.Speech;

/// <summary>
/// Silero VAD v5 (16 kHz) computed in managed code from the weights in the same .onnx file, so the agent can run
/// Silero without loading ONNX Runtime (~40 MB resident). Same contract as <see cref="SileroSpeechDetector"/>: the
/// previous window's last 64 samples go in front of each frame, and the LSTM state carries from frame to frame.
/// </summary>
public sealed class ManagedSileroSpeechDetector : ISpeechDetector
{
    private const int ContextSamples = SileroWeights.WindowSamples - ISpeechDetector.FrameSamples;

    private readonly SileroNetwork _network;
    private readonly float[] _window = new float[SileroWeights.WindowSamples];

    private ManagedSileroSpeechDetector(SileroNetwork network) => _network = network;

    public string Engine => "silero";

    /// <summary>Loads and checks the model; a missing, corrupt or different model is a <see cref="VadModelException"/>.</summary>
    public static ManagedSileroSpeechDetector Open(string modelPath)
    {
        if (!File.Exists(modelPath))
        {
            throw new VadModelException($"Silero VAD model '{modelPath}' does not exist; run edge/scripts/fetch-vad-model.sh");
        }

        try
        {
            return new ManagedSileroSpeechDetector(new SileroNetwork(SileroWeights.Read(File.ReadAllBytes(modelPath))));
        }
        catch (InvalidModelException ex)
        {
            throw new VadModelException($"Silero VAD model '{modelPath}' is not Silero VAD v5: {ex.Message}; run edge/scripts/fetch-vad-model.sh to restore it", ex);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or OverflowException)
        {
            throw new VadModelException($"Silero VAD model '{modelPath}' cannot be loaded ({ex.Message}); run edge/scripts/fetch-vad-model.sh to restore it", ex);
        }
    }

    public float Process(ReadOnlySpan<float> frame)
    {
        if (frame.Length != ISpeechDetector.FrameSamples)
        {
            throw new ArgumentException($"a frame is {ISpeechDetector.FrameSamples} samples, got {frame.Length}", nameof(frame));
        }

        frame.CopyTo(_window.AsSpan(ContextSamples));
        var probability = _network.Step(_window);
        _window.AsSpan(ISpeechDetector.FrameSamples, ContextSamples).CopyTo(_window);
        return probability;
    }

    public void Reset()
    {
        Array.Clear(_window);
        _network.Reset();
    }

    public void Dispose()
    {
    }
}
