using Iot.Dashboard.Auth;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Provisioning;

public sealed record ApproveRequest(string? BranchId, string? DeviceId);

public sealed record RejectRequest(string Reason);

public sealed record ApproveResponse(string DeviceId);

public static class ProvisioningEndpoints
{
    public const int MaxCsvBytes = 1024 * 1024;

    public static void MapProvisioningEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/provisioning").WithTags("Provisioning").RequireAuthorization(Policies.ManageDevices);
        group.MapGet("/pending", async (DashboardProvisioning p, CancellationToken ct) => TypedResults.Ok(await p.PendingAsync(ct).ConfigureAwait(false)));
        group.MapGet("/reprovisioning", async (int? limit, DashboardProvisioning p, CancellationToken ct) => TypedResults.Ok(await p.ReprovisioningAsync(limit ?? 100, ct).ConfigureAwait(false)));
        group.MapPost("/{serial}/approve", ApproveAsync);
        group.MapPost("/{serial}/reject", RejectAsync);
        group.MapPost("/preregistrations", PreregisterAsync).Accepts<string>("text/csv");
    }

    private static async Task<Results<Ok<ApproveResponse>, NotFound, ProblemHttpResult>> ApproveAsync(string serial, ApproveRequest? request, DashboardProvisioning p, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(new ApproveResponse(await p.ApproveAsync(serial, request?.BranchId, request?.DeviceId, ct).ConfigureAwait(false)));
        }
        catch (NotInTenantException)
        {
            return TypedResults.NotFound();
        }
        catch (ProvisioningException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict, title: "Approval refused");
        }
        catch (ProvisioningApiUnavailableException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Provisioning API unavailable");
        }
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> RejectAsync(string serial, RejectRequest request, DashboardProvisioning p, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 500)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["reason must be 1..500 characters"] });
        }

        try
        {
            await p.RejectAsync(serial, request.Reason.Trim(), ct).ConfigureAwait(false);
            return TypedResults.NoContent();
        }
        catch (NotInTenantException)
        {
            return TypedResults.NotFound();
        }
        catch (ProvisioningException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict, title: "Rejection refused");
        }
        catch (ProvisioningApiUnavailableException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Provisioning API unavailable");
        }
    }

    private static async Task<Results<Ok<PreregistrationResult>, ValidationProblem, ProblemHttpResult>> PreregisterAsync(HttpRequest http, DashboardProvisioning p, CancellationToken ct)
    {
        // Content-Length is only a claim, and a chunked upload has none: the limit is enforced on the bytes as they arrive.
        var tooLarge = TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"CSV must be at most {MaxCsvBytes} bytes"] });
        if (http.ContentLength is > MaxCsvBytes)
        {
            return tooLarge;
        }

        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await http.Body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > MaxCsvBytes)
            {
                return tooLarge;
            }

            body.Write(buffer, 0, read);
        }

        var csv = System.Text.Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
        PreregistrationResult result;
        try
        {
            result = await p.PreregisterAsync(csv, ct).ConfigureAwait(false);
        }
        catch (ProvisioningApiUnavailableException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Provisioning API unavailable");
        }

        return result.Succeeded
            ? TypedResults.Ok(result)
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["csv"] = [.. result.Errors] });
    }
}
