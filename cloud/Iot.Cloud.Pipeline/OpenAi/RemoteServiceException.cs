using System.Net;

namespace Iot.Cloud.Pipeline.OpenAi;

/// <summary>
/// An OpenAI-compatible endpoint answered with an HTTP error. <see cref="Retryable"/> tells the queue whether waiting
/// may help (429, 5xx); anything else (400, 401, 404) is a configuration or request problem and will not go away.
/// </summary>
public sealed class RemoteServiceException(string message, HttpStatusCode? statusCode, string bodyExcerpt, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;

    public string BodyExcerpt { get; } = bodyExcerpt;

    public bool Retryable => StatusCode is null or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)StatusCode >= 500;

    public bool IsAuthenticationFailure => StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
}
