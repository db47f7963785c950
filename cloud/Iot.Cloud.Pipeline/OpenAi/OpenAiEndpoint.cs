using System.Net.Http.Headers;

namespace Iot.Cloud.Pipeline.OpenAi;

/// <summary>
/// One OpenAI-compatible server (OpenAI itself, vLLM, llama.cpp server, LocalAI...). Owns the HTTP client and turns
/// time-outs and HTTP errors into exceptions that say which configuration key to look at.
/// </summary>
internal sealed class OpenAiEndpoint : IDisposable
{
    private const int ExcerptChars = 500;

    private readonly HttpClient _http;
    private readonly Uri _baseUri;
    private readonly string? _apiKey;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly string _section;

    public OpenAiEndpoint(string baseUrl, string? apiKey, TimeSpan timeout, TimeProvider time, string section)
    {
        _baseUri = new Uri(baseUrl.TrimEnd('/') + "/", UriKind.Absolute);
        _apiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey;
        _timeout = timeout;
        _time = time;
        _section = section;
        // The time-out comes from the TimeProvider below, so tests can move time; HttpClient's own clock is switched off.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>POSTs <paramref name="content"/> to <paramref name="relativePath"/> and returns the body of a 2xx reply.</summary>
    /// <exception cref="TimeoutException">No complete reply within the configured time-out.</exception>
    /// <exception cref="RemoteServiceException">The server answered with an error status or could not be reached.</exception>
    public async Task<string> PostAsync(string relativePath, HttpContent content, CancellationToken cancellationToken)
    {
        var uri = new Uri(_baseUri, relativePath);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        using var deadline = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var excerpt = Excerpt(body);
                var hint = response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden
                    ? $"; check {_section}:ApiKey"
                    : response.StatusCode == System.Net.HttpStatusCode.NotFound ? $"; check {_section}:BaseUrl and {_section}:Model" : "";
                throw new RemoteServiceException(
                    $"POST {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}{hint}: {excerpt}", response.StatusCode, excerpt);
            }

            return body;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"POST {uri} gave no complete reply within {_timeout.TotalSeconds:0.#} s ({_section}:TimeoutSeconds)");
        }
        catch (HttpRequestException e)
        {
            throw new RemoteServiceException($"POST {uri} failed: {e.Message}; check {_section}:BaseUrl", e.StatusCode, "", e);
        }
    }

    public void Dispose() => _http.Dispose();

    internal static string Excerpt(string text) => text.Length <= ExcerptChars ? text : text[..ExcerptChars] + "…";
}
