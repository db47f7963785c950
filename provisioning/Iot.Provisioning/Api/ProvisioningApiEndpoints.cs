using System.Text;
using Iot.Protocol.Messages;
using Iot.Provisioning.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Iot.Provisioning.Api;

/// <summary>
/// The operator-action API under <c>/v1</c>. Every route first finds the caller by its bearer token (401 otherwise) and
/// resolves the request's scope (400 bad scope headers, 403 a tenant outside the caller's binding); ids outside the scope
/// answer 404 exactly like missing ones; refusals an operator can act on answer 409 with the reason.
/// </summary>
public static class ProvisioningApiEndpoints
{
    public const int MaxCsvBytes = 1024 * 1024;
    private const string ScopeItem = "iot.operator-scope";

    /// <summary>
    /// Maps the routes behind the caller check. The check is middleware, not an endpoint filter, so that it runs before
    /// body binding: a caller without a token learns 401 and nothing about what a valid body looks like.
    /// </summary>
    public static void MapProvisioningApi(this WebApplication app)
    {
        app.Use(AuthenticateAsync);
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/whoami", (HttpContext http) =>
        {
            var scope = ScopeOf(http);
            return Results.Json(new CallerInfo(scope.Via, scope.TenantId, scope.Branches, scope.Actor));
        });
        v1.MapGet("/devices", (HttpContext http, OperatorActions a, CancellationToken ct) => Run(async () => Results.Json(await a.DevicesAsync(ScopeOf(http), ct).ConfigureAwait(false))));
        v1.MapGet("/devices/{deviceId}", (string deviceId, HttpContext http, OperatorActions a, CancellationToken ct) =>
            Run(async () => Results.Json(await a.DeviceAsync(ScopeOf(http), deviceId, ct).ConfigureAwait(false))));
        v1.MapPost("/devices/{deviceId}/revoke", (string deviceId, HttpContext http, OperatorActions a, CancellationToken ct) =>
            Run(async () =>
            {
                await a.RevokeAsync(ScopeOf(http), deviceId, ct).ConfigureAwait(false);
                return Results.NoContent();
            }));
        v1.MapPost("/devices/{deviceId}/rotate", (string deviceId, RotateBody body, HttpContext http, OperatorActions a, CancellationToken ct) =>
            body.TimeoutSeconds is < 1 or > 86_400 ? Rejected("timeoutSeconds must be 1..86400")
            : Run(async () => Results.Json(new CommandIssued(await a.RotateAsync(ScopeOf(http), deviceId, TimeSpan.FromSeconds(body.TimeoutSeconds), ct).ConfigureAwait(false)))));
        v1.MapGet("/devices/{deviceId}/config", (string deviceId, HttpContext http, OperatorActions a, CancellationToken ct) =>
            Run(async () => Results.Json(await a.ConfigAsync(ScopeOf(http), deviceId, ct).ConfigureAwait(false))));
        v1.MapPut("/devices/{deviceId}/config", (string deviceId, DeviceConfigDocument body, HttpContext http, OperatorActions a, CancellationToken ct) =>
            Run(async () => Results.Json(await a.SetConfigAsync(ScopeOf(http), deviceId, body, ct).ConfigureAwait(false))));
        v1.MapPost("/devices/{deviceId}/commands", (string deviceId, CommandBody body, HttpContext http, OperatorActions a, CancellationToken ct) =>
            string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 64 ? Rejected("name must be 1..64 characters")
            : body.TimeoutSeconds is < 1 or > 86_400 ? Rejected("timeoutSeconds must be 1..86400")
            : Run(async () => Results.Json(new CommandIssued(await a.SendCommandAsync(ScopeOf(http), deviceId, body, ct).ConfigureAwait(false)))));
        v1.MapGet("/commands/{commandId:guid}", (Guid commandId, HttpContext http, OperatorActions a, CancellationToken ct) =>
            Run(async () => Results.Json(await a.CommandAsync(ScopeOf(http), commandId, ct).ConfigureAwait(false))));
        v1.MapGet("/requests", (HttpContext http, OperatorActions a, CancellationToken ct) => Run(async () => Results.Json(await a.PendingAsync(ScopeOf(http), ct).ConfigureAwait(false))));
        v1.MapPost("/requests/{serial}/approve", (string serial, ApproveBody body, HttpContext http, OperatorActions a, CancellationToken ct) =>
            Run(async () => Results.Json(await a.ApproveAsync(ScopeOf(http), serial, body, ct).ConfigureAwait(false))));
        v1.MapPost("/requests/{serial}/reject", (string serial, RejectBody body, HttpContext http, OperatorActions a, CancellationToken ct) =>
            string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 500 ? Rejected("reason must be 1..500 characters")
            : Run(async () =>
            {
                await a.RejectAsync(ScopeOf(http), serial, body.Reason.Trim(), ct).ConfigureAwait(false);
                return Results.NoContent();
            }));
        v1.MapPost("/preregistrations", PreregisterAsync).Accepts<string>("text/csv");
        v1.MapPost("/claims", (ClaimBody body, HttpContext http, OperatorActions a, CancellationToken ct) =>
            Run(async () => Results.Json(await a.CreateClaimAsync(ScopeOf(http), body, ct).ConfigureAwait(false))));
        v1.MapGet("/audit/reprovisioning", (int? limit, HttpContext http, OperatorActions a, CancellationToken ct) =>
            Run(async () => Results.Json(await a.ReprovisionAuditAsync(ScopeOf(http), limit ?? 100, ct).ConfigureAwait(false))));
        v1.MapJobApi();
        v1.MapAlertApi();
    }

    private static async Task AuthenticateAsync(HttpContext http, RequestDelegate next)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var bearer = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
        if (http.RequestServices.GetRequiredService<ApiCallers>().Find(bearer) is not { } caller)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem("a valid bearer token is required", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        var (scope, status, problem) = OperatorScope.Resolve(caller, http.Request.Headers);
        if (scope is null)
        {
            await Results.Problem(problem, statusCode: status, title: status == StatusCodes.Status403Forbidden ? "Forbidden" : "Bad scope").ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        http.Items[ScopeItem] = scope;
        await next(http).ConfigureAwait(false);
    }

    internal static OperatorScope ScopeOf(HttpContext http) => (OperatorScope)http.Items[ScopeItem]!;

    private static async Task<IResult> PreregisterAsync(HttpContext http, OperatorActions a, CancellationToken ct)
    {
        // Content-Length is only a claim, and a chunked upload has none: the limit is enforced on the bytes as they arrive.
        if (http.Request.ContentLength is > MaxCsvBytes)
        {
            return Invalid($"CSV must be at most {MaxCsvBytes} bytes");
        }

        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > MaxCsvBytes)
            {
                return Invalid($"CSV must be at most {MaxCsvBytes} bytes");
            }

            body.Write(buffer, 0, read);
        }

        var csv = Encoding.UTF8.GetString(body.ToArray());
        return await Run(async () => Results.Json(await a.PreregisterAsync(ScopeOf(http), csv, ct).ConfigureAwait(false))).ConfigureAwait(false);
    }

    internal static async Task<IResult> Run(Func<Task<IResult>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (NotInScopeException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }
        catch (ProvisioningException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict, title: "Refused");
        }
    }

    private static Task<IResult> Rejected(string message) => Task.FromResult(Invalid(message));

    internal static IResult Invalid(string message) => Results.Problem(message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");
}
