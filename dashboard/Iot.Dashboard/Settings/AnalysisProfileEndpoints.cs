using System.Text.Json;
using Iot.Dashboard.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Settings;

/// <summary>
/// <c>/api/settings/analysis-profile</c> (current, versions, save, try) and <c>/api/settings/reanalysis</c> (request,
/// progress). Reads and the try box: admins and supervisors; saving and re-analysing: admins of all branches, since
/// the profile and a re-analysis reach every branch.
/// </summary>
public static class AnalysisProfileEndpoints
{
    /// <summary>A profile is at most <see cref="AnalysisProfileService.MaxProfileBytes"/>; the envelope and a pasted text fit in the rest.</summary>
    public const int MaxBodyBytes = AnalysisProfileService.MaxProfileBytes + (64 * 1024);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapAnalysisProfileEndpoints(this IEndpointRouteBuilder api)
    {
        var profile = api.MapGroup("/settings/analysis-profile").WithTags("Settings").RequireAuthorization(Policies.ReadAnalysisProfile);
        profile.MapGet("/", async (AnalysisProfileService s, CancellationToken ct) => TypedResults.Ok(await s.GetCurrentAsync(ct).ConfigureAwait(false)));
        profile.MapGet("/versions", async (AnalysisProfileService s, CancellationToken ct) => TypedResults.Ok(await s.ListVersionsAsync(ct).ConfigureAwait(false)));
        profile.MapPut("/", SaveAsync).RequireAuthorization(Policies.TenantAdmin).Accepts<ProfileSaveRequest>("application/json");
        profile.MapPost("/try", TryAsync).Accepts<ProfileTryRequest>("application/json");

        var reanalysis = api.MapGroup("/settings/reanalysis").WithTags("Settings").RequireAuthorization(Policies.ReadAnalysisProfile);
        reanalysis.MapGet("/", async (ReanalysisService s, CancellationToken ct) => TypedResults.Ok(await s.ProgressAsync(20, ct).ConfigureAwait(false)));
        reanalysis.MapPost("/", RequestAsync).RequireAuthorization(Policies.TenantAdmin).Accepts<ReanalysisRequest>("application/json");
    }

    private static async Task<Results<Ok<ProfileVersionSummary>, ValidationProblem, ProblemHttpResult>> SaveAsync(HttpRequest http, AnalysisProfileService s, CancellationToken ct)
    {
        var (request, bad) = await ReadAsync<ProfileSaveRequest>(http, ct).ConfigureAwait(false);
        if (request is null)
        {
            return bad!;
        }

        var outcome = await s.SaveAsync(request, ct).ConfigureAwait(false);
        if (outcome.ConflictWith is { } current)
        {
            return TypedResults.Problem($"version {current} was saved since version {request.BaseVersion}; reload and apply the change again", statusCode: StatusCodes.Status409Conflict, title: "Profile changed meanwhile");
        }

        return outcome.Version is { } version
            ? TypedResults.Ok((await s.ListVersionsAsync(ct).ConfigureAwait(false)).First(v => v.Version == version))
            : TypedResults.ValidationProblem(outcome.Errors);
    }

    private static async Task<Results<Ok<TryResponse>, ValidationProblem>> TryAsync(HttpRequest http, AnalysisProfileService s, CancellationToken ct)
    {
        var (request, bad) = await ReadAsync<ProfileTryRequest>(http, ct).ConfigureAwait(false);
        if (request is null)
        {
            return bad!;
        }

        var (result, errors) = await s.TryAsync(request, ct).ConfigureAwait(false);
        return result is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<ReanalysisStarted>, ValidationProblem>> RequestAsync(HttpRequest http, ReanalysisService s, CancellationToken ct)
    {
        var (request, bad) = await ReadAsync<ReanalysisRequest>(http, ct).ConfigureAwait(false);
        if (request is null)
        {
            return bad!;
        }

        var (started, errors) = await s.RequestAsync(request, ct).ConfigureAwait(false);
        return started is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(started);
    }

    /// <summary>
    /// The JSON body, read up to <see cref="MaxBodyBytes"/>. Content-Length is only a claim and a chunked body has none,
    /// so the limit is enforced on the bytes as they arrive; too large or malformed is a 400 that says which.
    /// </summary>
    private static async Task<(T? Value, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest http, CancellationToken ct)
        where T : class
    {
        var tooLarge = TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"the request body must be at most {MaxBodyBytes} bytes"] });
        if (http.ContentLength is > MaxBodyBytes)
        {
            return (null, tooLarge);
        }

        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await http.Body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return (null, tooLarge);
            }

            body.Write(buffer, 0, read);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(body.GetBuffer().AsSpan(0, (int)body.Length), Json);
            return value is null
                ? (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["a JSON object is required"] }))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"not valid JSON for this request: {ex.Message}"] }));
        }
    }
}
