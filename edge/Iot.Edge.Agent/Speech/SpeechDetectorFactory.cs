using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Speech;

/// <summary>
/// Decides once which engine the device runs and makes detectors and trackers for it. With <c>Engine=auto</c> a
/// missing model means the energy fallback, announced once as a warning so a fleet report can find such devices.
/// </summary>
public sealed partial class SpeechDetectorFactory
{
    private readonly VadOptions _options;
    private readonly string? _modelPath;

    public SpeechDetectorFactory(IOptions<VadOptions> options, ILogger<SpeechDetectorFactory> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        var configured = string.IsNullOrWhiteSpace(_options.ModelPath) ? null : _options.ResolvedModelPath;
        switch (_options.Engine)
        {
            case "energy":
                Engine = "energy";
                LogEnergyChosen(logger);
                break;
            case "silero":
                Engine = "silero";
                _modelPath = configured ?? throw new VadModelException($"{VadOptions.Section}:ModelPath must be set when {VadOptions.Section}:Engine is silero");
                LogSileroChosen(logger, _modelPath, _options.Runtime);
                break;
            default:
                if (configured is not null && File.Exists(configured))
                {
                    Engine = "silero";
                    _modelPath = configured;
                    LogSileroChosen(logger, _modelPath, _options.Runtime);
                }
                else
                {
                    Engine = "energy";
                    LogModelMissing(logger, configured ?? "(none configured)");
                }

                break;
        }
    }

    /// <summary><c>silero</c> or <c>energy</c>: what <see cref="CreateDetector"/> returns.</summary>
    public string Engine { get; }

    public VadOptions Options => _options;

    /// <summary>A fresh detector for one audio stream. Throws <see cref="VadModelException"/> if the model is unusable.</summary>
    public ISpeechDetector CreateDetector() =>
        _modelPath is null ? new EnergySpeechDetector() : OpenSilero(_modelPath, _options.Runtime);

    /// <summary>
    /// The Silero detector on the configured runtime. Start-up validation opens the model through here too, so the
    /// managed runtime never loads ONNX Runtime just to check a file.
    /// </summary>
    public static ISpeechDetector OpenSilero(string modelPath, string runtime) =>
        runtime == "onnxruntime" ? SileroSpeechDetector.Open(modelPath) : ManagedSileroSpeechDetector.Open(modelPath);

    /// <summary>
    /// Detector plus segmenter for one recorder: feed it PCM, take segments at each chunk boundary. Both engines need
    /// 16 kHz; another <paramref name="sampleRate"/> is refused rather than giving segments at the wrong times.
    /// </summary>
    public SpeechTracker CreateTracker(int sampleRate)
    {
        if (sampleRate != ISpeechDetector.SampleRate)
        {
            throw new NotSupportedException($"speech detection needs {ISpeechDetector.SampleRate} Hz audio; the source delivers {sampleRate} Hz");
        }

        return new SpeechTracker(CreateDetector(), _options);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Speech detection: Silero VAD v5 from {ModelPath} on the {VadRuntime} runtime")]
    private static partial void LogSileroChosen(ILogger logger, string modelPath, string vadRuntime);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speech detection: energy detector (Vad:Engine=energy)")]
    private static partial void LogEnergyChosen(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speech detection: Silero VAD model not found at {ModelPath}; falling back to the energy detector, which mistakes background noise for speech. Install the model with edge/scripts/fetch-vad-model.sh")]
    private static partial void LogModelMissing(ILogger logger, string modelPath);
}
