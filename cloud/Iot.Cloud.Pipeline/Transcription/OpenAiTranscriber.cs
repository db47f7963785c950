using System.Globalization;
using System.Net.Http.Headers;
using Iot.Cloud.Pipeline.OpenAi;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Pipeline.Transcription;

/// <summary>
/// An OpenAI-compatible <c>/v1/audio/transcriptions</c> endpoint (OpenAI, faster-whisper-server, LocalAI...), asked for
/// <c>verbose_json</c> with segment and word times.
/// </summary>
/// <remarks>
/// 401/403 become <see cref="TranscriberUnavailableException"/> (jobs wait for a fixed key instead of burning
/// attempts); other HTTP errors are <see cref="RemoteServiceException"/> whose <c>Retryable</c> says whether 429/5xx.
/// </remarks>
internal sealed class OpenAiTranscriber : ITranscriber, IDisposable
{
    public const string EngineName = "openai";

    private const string Key = TranscriptionOptions.Section + ":OpenAi";

    private readonly OpenAiEndpoint _endpoint;
    private readonly string _model;

    public OpenAiTranscriber(IOptions<TranscriptionOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value.OpenAi;
        _model = o.Model;
        _endpoint = new OpenAiEndpoint(o.BaseUrl ?? "", o.ApiKey, TimeSpan.FromSeconds(o.TimeoutSeconds), time, Key);
    }

    public string Engine => EngineName;

    public bool Supports(string? language) => true;

    public async Task<Transcript> TranscribeAsync(DialogueAudio audio, string? language, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        using var form = new MultipartFormDataContent();
        var wav = new ByteArrayContent(WavFile.Encode(audio));
        wav.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(wav, Quoted("file"), Quoted("dialogue.wav"));
        form.Add(new StringContent(_model), Quoted("model"));
        if (language is not null)
        {
            form.Add(new StringContent(language), Quoted("language"));
        }

        form.Add(new StringContent("verbose_json"), Quoted("response_format"));
        form.Add(new StringContent("segment"), Quoted("timestamp_granularities[]"));
        form.Add(new StringContent("word"), Quoted("timestamp_granularities[]"));
        string body;
        try
        {
            body = await _endpoint.PostAsync("v1/audio/transcriptions", form, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteServiceException e) when (e.IsAuthenticationFailure)
        {
            throw new TranscriberUnavailableException(e.Message, e);
        }

        var reply = OpenAiTranscriptionReply.Parse(body);
        return new Transcript(EngineName, LanguageCode(reply.Language) ?? language ?? "und", reply.Utterances, reply.Confidence);
    }

    public void Dispose() => _endpoint.Dispose();

    // .NET leaves simple field names unquoted (name=model); some servers' multipart parsers only take quoted ones.
    private static string Quoted(string name) => $"\"{name}\"";

    // verbose_json names the language ("english"); some servers send the code instead.
    private static string? LanguageCode(string? reported)
    {
        if (string.IsNullOrWhiteSpace(reported))
        {
            return null;
        }

        var r = reported.Trim().ToLowerInvariant();
        if (r.Length is 2 or 3 && r.All(char.IsAsciiLetterLower))
        {
            return r;
        }

        return r switch
        {
            "english" => "en",
            "russian" => "ru",
            "turkish" => "tr",
            "uzbek" => "uz",
            "azerbaijani" => "az",
            "kazakh" => "kk",
            "ukrainian" => "uk",
            "german" => "de",
            "french" => "fr",
            "spanish" => "es",
            "arabic" => "ar",
            _ => r.Length > 16 ? r[..16] : r.ToString(CultureInfo.InvariantCulture),
        };
    }
}
