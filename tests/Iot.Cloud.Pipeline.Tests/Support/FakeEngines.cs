using Iot.Cloud.Pipeline.Analysis;
using Iot.Cloud.Pipeline.Transcription;

namespace Iot.Cloud.Pipeline.Tests.Support;

/// <summary>Stands in for the engines branch's transcribers (Whisper.net etc. are not on this branch yet).</summary>
/// <param name="languages">The only languages it has a model for (null = all); with <paramref name="detects"/> false it
/// cannot be asked to detect either, like an engine with one fixed model.</param>
internal class RecordingTranscriber(Transcript reply, IReadOnlyCollection<string>? languages = null, bool detects = true) : ITranscriber
{
    public string Engine => reply.Engine;

    public List<(DialogueAudio Audio, string? Language)> Calls { get; } = [];

    public bool Supports(string? language) => language is null ? detects : languages is null || languages.Contains(language);

    public Task<Transcript> TranscribeAsync(DialogueAudio audio, string? language, CancellationToken cancellationToken)
    {
        Calls.Add((audio, language));
        return Task.FromResult(reply);
    }
}

/// <summary>An engine that identifies the language first (as Whisper does), always answering <paramref name="identified"/>.</summary>
internal sealed class IdentifyingTranscriber(Transcript reply, string identified) : RecordingTranscriber(reply), ISpokenLanguageIdentifier
{
    public List<IReadOnlyList<string>> Identifications { get; } = [];

    public Task<string> IdentifyAsync(DialogueAudio audio, IReadOnlyList<string> candidates, CancellationToken cancellationToken)
    {
        Identifications.Add(candidates);
        return Task.FromResult(identified);
    }
}

internal sealed class MissingModelTranscriber : ITranscriber
{
    public string Engine => "whisper";

    public bool Supports(string? language) => true;

    public Task<Transcript> TranscribeAsync(DialogueAudio audio, string? language, CancellationToken cancellationToken) =>
        throw new TranscriberUnavailableException("model file /models/ggml-small.bin not found");
}

/// <summary>Stands in for the engines branch's analyzers: replies with a fixed result and remembers its input.</summary>
internal sealed class CannedAnalyzer(Func<AnalysisInput, AnalysisResult> reply) : IAnalyzer
{
    public string Engine => "llm";

    public List<AnalysisInput> Calls { get; } = [];

    public Task<AnalysisResult> AnalyzeAsync(AnalysisInput input, CancellationToken cancellationToken)
    {
        Calls.Add(input);
        return Task.FromResult(reply(input));
    }
}
