using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Iot.TestSupport;

/// <summary>
/// A local OpenAI-compatible server (HttpListener) for /v1/audio/transcriptions and /v1/chat/completions. The first
/// path segment picks the behaviour, so one server serves every test: <c>{Url}/good</c>, <c>/not-json</c>,
/// <c>/bad-schema</c>, <c>/bad-quote</c>, <c>/slow</c>, <c>/error500</c>, <c>/unauthorized</c>, <c>/busy</c> (429).
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string NotJson = "<html>upstream proxy error</html>";

    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeOpenAiServer()
    {
        (_listener, Url) = LoopbackHttpListener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public string Mode(string mode) => $"{Url}/{mode}";

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Completes when a request reaches the server (tests wait for it before moving fake time).</summary>
    public TaskCompletionSource<RecordedRequest> FirstRequest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What /good/v1/chat/completions puts in the message content; tests set it to match their transcript.</summary>
    public string ChatContent { get; set; } = "{}";

    /// <summary>
    /// When set, what /good/v1/chat/completions puts in the message content, computed from the request body (instead
    /// of <see cref="ChatContent"/>): for engines whose answer must echo what was asked (the hybrid engine's candidate ids).
    /// </summary>
    public Func<string, string>? ChatResponder { get; set; }

    /// <summary>What /good/v1/audio/transcriptions answers (verbose_json); end-to-end tests set it to the spoken script.</summary>
    public string TranscriptionContent { get; set; } = TranscriptionReply;

    /// <summary>What /bad-schema/v1/chat/completions puts in the message content.</summary>
    public string BadSchemaContent { get; set; } = """{"upsell_attempted":"yes"}""";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();

        // Close only, not Stop then Close: on Linux, Close after Stop looks the endpoint up again and binds the port anew,
        // which fails with "Address already in use" once another process has taken it (seen in CI).
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body);
        var path = request.Url!.AbsolutePath;
        var recorded = new RecordedRequest(path, request.Headers["Authorization"], request.ContentType ?? "", Encoding.UTF8.GetString(body.ToArray()));
        Requests.Enqueue(recorded);
        FirstRequest.TrySetResult(recorded);
        var mode = path.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        var chat = path.EndsWith("/v1/chat/completions", StringComparison.Ordinal);
        var (status, reply) = mode switch
        {
            "good" => (200, chat ? Chat(ChatResponder?.Invoke(recorded.Body) ?? ChatContent) : TranscriptionContent),
            "not-json" => (200, NotJson),
            "bad-schema" => (200, chat ? Chat(BadSchemaContent) : """{"segments":[{"start":"zero","end":1.0,"text":"x"}]}"""),
            "bad-quote" => (200, Chat(ChatContent.Replace("extended warranty", "premium warranty", StringComparison.Ordinal))),
            "error500" => (500, """{"error":{"message":"model crashed","type":"server_error"}}"""),
            "unauthorized" => (401, """{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}"""),
            "busy" => (429, """{"error":{"message":"Rate limit reached","type":"requests"}}"""),
            "slow" => (0, ""),
            _ => (404, "no such mode"),
        };
        try
        {
            if (status == 0)
            {
                // Holds the request until the server is disposed; the client's time-out must give up first.
                await Task.Delay(Timeout.Infinite, _stop.Token);
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(reply);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes, _stop.Token);
            context.Response.Close();
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private static string Chat(string content) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1",
            @object = "chat.completion",
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        });

    public const string TranscriptionReply = """
        {"task":"transcribe","language":"english","duration":4.2,"text":"Hello there. Would you like a warranty?",
         "segments":[{"id":0,"start":0.0,"end":1.5,"text":" Hello there."},{"id":1,"start":1.9,"end":4.2,"text":" Would you like a warranty?"}],
         "words":[{"word":"Hello","start":0.1,"end":0.6},{"word":"there","start":0.7,"end":1.4},{"word":"Would","start":1.9,"end":2.2},
                  {"word":"you","start":2.2,"end":2.4},{"word":"like","start":2.4,"end":2.8},{"word":"a","start":2.8,"end":2.9},{"word":"warranty","start":2.9,"end":4.1}]}
        """;
}

public sealed record RecordedRequest(string Path, string? Authorization, string ContentType, string Body);
