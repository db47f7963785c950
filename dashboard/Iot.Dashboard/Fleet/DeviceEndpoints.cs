using Iot.Dashboard.Auth;
using Iot.Dashboard.Provisioning;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Fleet;

public sealed record ConfigPushed(long Version);

public sealed record CommandSent(Guid CommandId);

public sealed record DeviceRevoked(string DeviceId);

/// <summary>One device: desired/reported config and recent commands (read), config pushes, commands and revocation (admins and technicians).</summary>
public static class DeviceEndpoints
{
    public static void MapDeviceEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/devices/{deviceId}").WithTags("Fleet");
        group.MapGet("/", GetAsync).RequireAuthorization(Policies.ManageDevices);
        group.MapPost("/config", PushConfigAsync).RequireAuthorization(Policies.ControlDevices);
        group.MapPost("/commands", SendCommandAsync).RequireAuthorization(Policies.ControlDevices);
        group.MapPost("/revoke", RevokeAsync).RequireAuthorization(Policies.ControlDevices);
    }

    private static async Task<Results<Ok<DeviceDetail>, NotFound>> GetAsync(string deviceId, DeviceControl control, CancellationToken ct) =>
        await control.GetAsync(deviceId, ct).ConfigureAwait(false) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();

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
