using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Iot.Provisioning.Api;

/// <summary>
/// The job routes of the operator API (<c>/v1/jobs</c>), behind the same caller check and scope as every other route.
/// Ids and kinds arrive as text and are checked here, so a hostile value is a 400 naming it, never a 500 or a silent 404.
/// </summary>
public static class JobApiEndpoints
{
    public static void MapJobApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/jobs", (HttpContext http, JobActions a, CancellationToken ct) =>
            ProvisioningApiEndpoints.Run(async () => Results.Json(await a.ViewAsync(ProvisioningApiEndpoints.ScopeOf(http), ct).ConfigureAwait(false))));
        v1.MapPost("/jobs/{jobId}/retry", (string jobId, HttpContext http, JobActions a, CancellationToken ct) =>
            ParseId(jobId) is not { } id ? Task.FromResult(BadId(jobId))
            : ProvisioningApiEndpoints.Run(async () => Results.Json(await a.RetryAsync(ProvisioningApiEndpoints.ScopeOf(http), id, ct).ConfigureAwait(false))));
        v1.MapPost("/jobs/{jobId}/cancel", (string jobId, CancelJobBody? body, HttpContext http, JobActions a, CancellationToken ct) =>
            ParseId(jobId) is not { } id ? Task.FromResult(BadId(jobId))
            : body?.Reason is { Length: > JobActions.MaxReasonChars } ? Task.FromResult(ProvisioningApiEndpoints.Invalid($"reason must be at most {JobActions.MaxReasonChars} characters"))
            : ProvisioningApiEndpoints.Run(async () => Results.Json(await a.CancelAsync(ProvisioningApiEndpoints.ScopeOf(http), id, body?.Reason, ct).ConfigureAwait(false))));
        v1.MapPost("/jobs/retry-kind", (RetryKindBody body, HttpContext http, JobActions a, CancellationToken ct) =>
            CheckRetryKind(body) is { } problem ? Task.FromResult(ProvisioningApiEndpoints.Invalid(problem))
            : ProvisioningApiEndpoints.Run(async () => Results.Json(await a.RetryKindAsync(ProvisioningApiEndpoints.ScopeOf(http), body.Kind!, body.Max ?? JobActions.DefaultRetryKind, ct).ConfigureAwait(false))));
    }

    /// <summary>A job id is a positive 64-bit integer; anything else is null.</summary>
    public static long? ParseId(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    /// <summary>Null when the body is acceptable, else the problem naming the field.</summary>
    public static string? CheckRetryKind(RetryKindBody? body) =>
        !JobActions.IsValidKind(body?.Kind) ? "kind must be a job kind: 1-64 of [a-z0-9-]"
        : body!.Max is < 1 or > JobActions.MaxRetryKind ? $"max must be 1..{JobActions.MaxRetryKind}"
        : null;

    private static IResult BadId(string text) =>
        ProvisioningApiEndpoints.Invalid($"job id must be a positive integer, not '{(text.Length > 40 ? text[..40] + "…" : text)}'");
}
