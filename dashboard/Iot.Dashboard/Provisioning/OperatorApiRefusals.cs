using Iot.Provisioning.Admin;
using Iot.Provisioning.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Provisioning;

/// <summary>
/// How an action the dashboard forwards to the operator API answers when it is refused: not the caller's (404), refused
/// by the API (409), or the API cannot be reached or is not configured (503). One mapping for every route that calls it.
/// </summary>
public static class OperatorApiRefusals
{
    public static async Task<Results<Ok<T>, NotFound, ValidationProblem, ProblemHttpResult>> MapAsync<T>(
        Func<Task<Results<Ok<T>, NotFound, ValidationProblem, ProblemHttpResult>>> action, string unavailableTitle)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (NotInTenantException)
        {
            return TypedResults.NotFound();
        }
        catch (ProvisioningApiUnavailableException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: unavailableTitle);
        }
        catch (ProvisioningException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict, title: "Refused");
        }
    }
}
