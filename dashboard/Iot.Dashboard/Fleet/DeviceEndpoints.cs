using Iot.Dashboard.Auth;
using Iot.Dashboard.Provisioning;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Fleet;

public sealed record ConfigPushed(long Version);

public sealed record CommandSent(Guid CommandId);

public sealed record DeviceRevoked(string DeviceId);

/// <summary>One device: health, desired/reported config, recent commands, events and open alerts (read, and live), config pushes, commands and revocation (admins and technicians).</summary>
public static class DeviceEndpoints
{
    public static void MapDeviceEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/devices/{deviceId}").WithTags("Fleet");
        group.MapGet("/", GetAsync).RequireAuthorization(Policies.ManageDevices);
        group.MapGet("/events", StreamAsync).RequireAuthorization(Policies.ManageDevices);
        group.MapPost("/config", PushConfigAsync).RequireAuthorization(Policies.ControlDevices);
        group.MapPost("/commands", SendCommandAsync).RequireAuthorization(Policies.ControlDevices);
        group.MapPost("/revoke", RevokeAsync).RequireAuthorization(Policies.ControlDevices);
    }

    private static async Task<Results<Ok<DeviceDetail>, NotFound>> GetAsync(string deviceId, DeviceDetails details, HttpContext http, CancellationToken ct) =>
        await details.GetAsync(deviceId, await details.CanReadAlertsAsync(http.User).ConfigureAwait(false), ct).ConfigureAwait(false) is { } detail
            ? TypedResults.Ok(detail)
            : TypedResults.NotFound();

    /// <summary>The device page's live feed. Another tenant's or branch's device is a 404 before any stream opens.</summary>
    private static async Task<IResult> StreamAsync(string deviceId, DeviceDetails details, FleetEvents events, HttpContext http, CancellationToken ct)
    {
        var alerts = await details.CanReadAlertsAsync(http.User).ConfigureAwait(false);
        return await details.GetAsync(deviceId, alerts, ct).ConfigureAwait(false) is null
            ? TypedResults.NotFound()
            : TypedResults.ServerSentEvents(events.DeviceStreamAsync(http.User, deviceId, alerts, ct));
    }

    private static Task<Results<Ok<ConfigPushed>, NotFound, ValidationProblem, ProblemHttpResult>> PushConfigAsync(string deviceId, DeviceConfigChange change, DeviceControl control, CancellationToken ct) =>
        RefusalsAsync<ConfigPushed>(async () =>
        {
            var (version, errors) = await control.PushConfigAsync(deviceId, change, ct).ConfigureAwait(false);
            return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(new ConfigPushed(version));
        });

    private static Task<Results<Ok<CommandSent>, NotFound, ValidationProblem, ProblemHttpResult>> SendCommandAsync(string deviceId, DeviceCommandRequest request, DeviceControl control, CancellationToken ct) =>
        RefusalsAsync<CommandSent>(async () =>
        {
            var errors = DeviceControl.CheckCommand(request);
            return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(new CommandSent(await control.SendCommandAsync(deviceId, request, ct).ConfigureAwait(false)));
        });

    private static Task<Results<Ok<DeviceRevoked>, NotFound, ValidationProblem, ProblemHttpResult>> RevokeAsync(string deviceId, DeviceControl control, CancellationToken ct) =>
        RefusalsAsync<DeviceRevoked>(async () =>
        {
            await control.RevokeAsync(deviceId, ct).ConfigureAwait(false);
            return TypedResults.Ok(new DeviceRevoked(deviceId));
        });

    private static Task<Results<Ok<T>, NotFound, ValidationProblem, ProblemHttpResult>> RefusalsAsync<T>(Func<Task<Results<Ok<T>, NotFound, ValidationProblem, ProblemHttpResult>>> action) =>
        OperatorApiRefusals.MapAsync(action, "Provisioning API unavailable");
}
