namespace Iot.Edge.Agent.Transcription;

/// <summary>Section <c>Transcription</c>: optional on-device speech-to-text with a ggml Whisper model. Off by default.</summary>
public sealed class TranscriptionOptions
{
    public const string Section = "Transcription";

    public bool Enabled { get; set; }

    /// <summary>A ggml Whisper model file (e.g. <c>ggml-tiny.bin</c>); <c>edge/scripts/download-whisper-model.sh</c> fetches one.</summary>
    public string? ModelPath { get; set; }

    /// <summary><c>auto</c> to detect per chunk, or a Whisper language code such as <c>en</c> (cheaper: detection costs an extra encoder pass).</summary>
    public string Language { get; set; } = "auto";

    /// <summary>
    /// With <see cref="Language"/> <c>auto</c>: the languages detection may choose from (the staff's spoken languages,
    /// from the desired config's <c>spokenLanguages</c>). Empty = any language Whisper knows.
    /// </summary>
    public string[] CandidateLanguages { get; set; } = [];

    /// <summary>CPU threads for one transcription; recording and upload need little, so leave them a core.</summary>
    public int Threads { get; set; } = 2;

    /// <summary>Chunks waiting for the recogniser; when full, chunks go out without a transcript instead of waiting.</summary>
    public int QueueCapacity { get; set; } = 4;

    /// <summary>Chunks with more speech than this are not transcribed, so one long visit cannot hold the CPU for minutes.</summary>
    public int MaxAudioSeconds { get; set; } = 120;
}
