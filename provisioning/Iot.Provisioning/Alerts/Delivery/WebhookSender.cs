using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>
/// POSTs one signed delivery. Redirects are never followed (the handler has them off): a hook that answers 3xx could send
/// the bridge to an internal address the URL check never saw, so a 3xx is a permanent failure naming the Location.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, WebhookTargetGuard guard, IOptions<AlertDeliveryOptions> options, TimeProvider time)
{
    public const string ClientName = "alert-webhooks";
    public const string UserAgent = "iot-alerts/1";

    public async Task<DeliveryOutcome> SendAsync(DueDelivery delivery, CancellationToken ct)
    {
        if (guard.RefuseUrl(delivery.Url) is { } refused)
        {
            return DeliveryOutcome.Dead(refused);
        }

        var body = WebhookTemplates.Render(delivery.Template, AlertEventFactory.Create(delivery));
        var stamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd(UserAgent);
        request.Headers.Add(WebhookSignature.TimestampHeader, stamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.DeliveryId.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(delivery.Secret))
        {
            // A channel without a secret (chat hooks whose URL is the secret) is sent unsigned.
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(delivery.Secret, stamp, body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        try
        {
            using var response = await clients.CreateClient(ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return Classify(response, time.GetUtcNow());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return DeliveryOutcome.Retry($"no answer within {options.Value.TimeoutSeconds} s");
        }
        catch (HttpRequestException ex) when (FindRefusal(ex) is { } refusal)
        {
            return DeliveryOutcome.Dead(refusal.Message);
        }
        catch (HttpRequestException ex)
        {
            return DeliveryOutcome.Retry(ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
        }
    }

    public static DeliveryOutcome Classify(HttpResponseMessage response, DateTimeOffset now)
    {
        var code = (int)response.StatusCode;
        var reason = $"HTTP {code} {response.ReasonPhrase}".TrimEnd();
        return code switch
        {
            >= 200 and < 300 => DeliveryOutcome.Delivered(code),
            >= 300 and < 400 => DeliveryOutcome.Dead($"{reason}: redirect to {response.Headers.Location?.ToString() ?? "(no Location)"} not followed; set the channel to the final URL", code),
            (int)HttpStatusCode.TooManyRequests => DeliveryOutcome.Retry(reason, code, RetryAfter(response, now)),
            (int)HttpStatusCode.RequestTimeout => DeliveryOutcome.Retry(reason, code),
            >= 400 and < 500 => DeliveryOutcome.Dead(reason + " (refused by the receiver; not retried)", code),
            _ => DeliveryOutcome.Retry(reason, code),
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - now,
        _ => null,
    };

    private static WebhookTargetRefusedException? FindRefusal(Exception ex)
    {
        for (var e = ex.InnerException; e is not null; e = e.InnerException)
        {
            if (e is WebhookTargetRefusedException refusal)
            {
                return refusal;
            }
        }

        return null;
    }
}
