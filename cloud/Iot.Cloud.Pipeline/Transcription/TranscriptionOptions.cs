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
    /// How long a tenant's analysis profile (the recogniser hints: Whisper prompt, PocketSphinx domain model) is kept
    /// in memory before it is read again, so a profile edit reaches transcription within this time without one
    /// database read per dialogue.
    /// </summary>
    public int ProfileCacheSeconds { get; set; } = 300;

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

    /// <summary>Give Whisper an initial prompt built from the tenant's profile (offer phrasings, product words) in the dialogue's language.</summary>
    public bool ProfilePrompt { get; set; } = true;

    /// <summary>Token budget of that prompt (estimated conservatively from characters); Whisper itself keeps at most 224.</summary>
    public int PromptMaxTokens { get; set; } = 200;
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

    /// <summary><c>Pipeline:Transcription:PocketSphinx:DomainLm</c>: decode with a trigram model of the shop's own talk instead of the stock one.</summary>
    public DomainLmOptions DomainLm { get; set; } = new();
}

/// <summary>
/// A domain language model for PocketSphinx, built at run time from text files (one utterance per line) plus the
/// tenant's profile phrases, its unigrams mixed with the stock model's most frequent words (see
/// <see cref="Biasing.ArpaModelBuilder"/>). Passed with <c>-lm</c> in place of <c>en-us.lm.bin</c>.
/// </summary>
public sealed class DomainLmOptions
{
    public bool Enabled { get; set; }

    /// <summary>Plain-text files of shop talk, one utterance per line (lines starting with # are skipped).</summary>
    public IList<string> CorpusFiles { get; } = [];

    /// <summary>Share of general English (the stock model's unigrams) in the unigram distribution; 0 = domain words only.</summary>
    public double GeneralWeight { get; set; } = 0.3;

    /// <summary>How many of the stock model's most probable words are mixed in (0 = none).</summary>
    public int GeneralWords { get; set; } = 20000;

    /// <summary>Where built models are written; default: a folder under the temp directory.</summary>
    public string? CacheDirectory { get; set; }
}
