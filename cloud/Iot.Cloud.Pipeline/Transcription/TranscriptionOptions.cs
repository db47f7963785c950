namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>Section <c>Pipeline:Transcription</c>: which speech recogniser the workers use, and its settings.</summary>
public sealed class TranscriptionOptions
{
    public const string Section = "Pipeline:Transcription";

    public const string None = "none";

    /// <summary><c>none</c> (no ITranscriber registered: transcribe jobs wait), <c>whisper</c>, <c>openai</c> or <c>pocketsphinx</c>.</summary>
    public string Engine { get; set; } = None;

    public WhisperEngineOptions Whisper { get; set; } = new();

    public OpenAiTranscriptionOptions OpenAi { get; set; } = new();

    public PocketSphinxOptions PocketSphinx { get; set; } = new();

    /// <summary>
    /// A transcript whose recogniser confidence (0..1, where the engine reports one) is below this is flagged: its
    /// analysis is stored and shown, marked, and left out of the overview's figures. 0 turns the check off. 0.45 is
    /// a starting point from whisper.cpp's mean token probability (clear speech in the right language scores
    /// 0.6-0.9; speech forced through the wrong language or noise 0.2-0.45); tune it on your own reviewed dialogues.
    /// </summary>
    public double LowConfidenceBelow { get; set; } = 0.45;
}

/// <summary><c>Pipeline:Transcription:Whisper</c>: whisper.cpp in-process through Whisper.net.</summary>
public sealed class WhisperEngineOptions
{
    /// <summary>A ggml Whisper model file. Checked when first used: a missing file makes jobs wait, not fail.</summary>
    public string? ModelPath { get; set; }

    /// <summary><c>auto</c> to detect, or a code such as <c>ru</c>; a language given with the job wins.</summary>
    public string Language { get; set; } = "auto";

    public int Threads { get; set; } = 2;
}

/// <summary><c>Pipeline:Transcription:OpenAi</c>: any server with OpenAI's <c>/v1/audio/transcriptions</c>.</summary>
public sealed class OpenAiTranscriptionOptions
{
    /// <summary>Server root without <c>/v1</c>, e.g. <c>https://api.openai.com</c>.</summary>
    public string? BaseUrl { get; set; }

    public string Model { get; set; } = "whisper-1";

    /// <summary>Sent as a bearer token when set; local servers usually need none.</summary>
    public string? ApiKey { get; set; }

    public int TimeoutSeconds { get; set; } = 300;
}

/// <summary><c>Pipeline:Transcription:PocketSphinx</c>: Debian's <c>pocketsphinx_continuous</c>, English only.</summary>
public sealed class PocketSphinxOptions
{
    /// <summary>Program name (looked up on PATH) or absolute path.</summary>
    public string Executable { get; set; } = "pocketsphinx_continuous";

    /// <summary>Folder with the acoustic model <c>en-us/</c>, <c>en-us.lm.bin</c> and <c>cmudict-en-us.dict</c> (Debian package pocketsphinx-en-us).</summary>
    public string ModelDirectory { get; set; } = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>Wall-clock limit for one dialogue; the process is killed after it.</summary>
    public int TimeoutSeconds { get; set; } = 600;
}
