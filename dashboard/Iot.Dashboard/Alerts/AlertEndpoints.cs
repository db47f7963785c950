using Iot.Dashboard.Auth;
using Iot.Provisioning.Alerts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Iot.Dashboard.Alerts;

/// <summary>
/// <c>/api/alerts</c>: the notification centre (list, one alert, acknowledge, live stream) for the roles of
/// <see cref="Policies.ReadAlerts"/> and <see cref="Policies.AcknowledgeAlerts"/>, and the tenant-wide settings
/// (thresholds, channels, delivery log) for <see cref="Policies.TenantAdmin"/>. Row security decides which rows exist for
/// the caller, so another tenant's or branch's alert or channel is a 404 like a missing one.
/// </summary>
public static class AlertEndpoints
{
    public const int MaxFilterLength = 100;

    public static void MapAlertEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/alerts").WithTags("Alerts");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.ReadAlerts);
        group.MapGet("/{id:long}", async (long id, AlertStore store, CancellationToken ct) =>
            await store.GetAsync(id, ct).ConfigureAwait(false) is { } alert ? (Results<Ok<AlertView>, NotFound>)TypedResults.Ok(alert) : TypedResults.NotFound())
            .RequireAuthorization(Policies.ReadAlerts);
        group.MapPost("/{id:long}/acknowledge", AcknowledgeAsync).RequireAuthorization(Policies.AcknowledgeAlerts);
        group.MapGet("/events", (AlertEvents events, Iot.Dashboard.Monitoring.DashboardMetrics metrics, HttpContext http, CancellationToken ct) => TypedResults.ServerSentEvents(metrics.Track(Iot.Dashboard.Monitoring.DashboardMetrics.AlertStream, events.StreamAsync(http.User, ct), ct)))
            .RequireAuthorization(Policies.ReadAlerts);

        group.MapGet("/rules", async (AlertRuleSettings rules, CancellationToken ct) => TypedResults.Ok(await rules.ListAsync(ct).ConfigureAwait(false)))
            .RequireAuthorization(Policies.TenantAdmin);
        group.MapPut("/rules", SaveRulesAsync).RequireAuthorization(Policies.TenantAdmin);
        group.MapGet("/channels", async (AlertChannels channels, CancellationToken ct) => TypedResults.Ok(await channels.ListAsync(ct).ConfigureAwait(false)))
            .RequireAuthorization(Policies.TenantAdmin);
        group.MapPost("/channels", CreateChannelAsync).RequireAuthorization(Policies.TenantAdmin);
        group.MapPut("/channels/{channelId:long}", UpdateChannelAsync).RequireAuthorization(Policies.TenantAdmin);
        group.MapDelete("/channels/{channelId:long}", async (long channelId, AlertChannels channels, CancellationToken ct) =>
            await channels.DeleteAsync(channelId, ct).ConfigureAwait(false) ? (Results<NoContent, NotFound>)TypedResults.NoContent() : TypedResults.NotFound())
            .RequireAuthorization(Policies.TenantAdmin);
        group.MapGet("/deliveries", DeliveriesAsync).RequireAuthorization(Policies.TenantAdmin);
    }

    /// <summary>The list's query as a filter, or the problems keyed by parameter (shared with the Alerts screen).</summary>
    public static (AlertFilter? Filter, Dictionary<string, string[]> Errors) Filter(string? state, string? rule, string? severity, string? device, string? branch, long? before, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        state = string.IsNullOrEmpty(state) ? AlertStates.Open : state;
        if (!AlertStates.Values.Contains(state))
        {
            errors["state"] = [$"state must be one of: {string.Join(", ", AlertStates.Values)}"];
        }

        rule = string.IsNullOrEmpty(rule) ? null : rule;
        if (rule is not null && AlertRuleCatalog.Find(rule) is null)
        {
            errors["rule"] = [$"rule must be one of: {string.Join(", ", AlertRuleCatalog.All.Select(r => r.Id))}"];
        }

        severity = string.IsNullOrEmpty(severity) ? null : severity;
        if (severity is not null && !ChannelValidator.Severities.Contains(severity))
        {
            errors["severity"] = ["severity must be 'warning' or 'critical'"];
        }

        if (device is { Length: > MaxFilterLength })
        {
            errors["device"] = [$"device must be at most {MaxFilterLength} characters"];
        }

        if (branch is { Length: > MaxFilterLength })
        {
            errors["branch"] = [$"branch must be at most {MaxFilterLength} characters"];
        }

        if (pageSize is < 1 or > AlertStore.MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be 1..{AlertStore.MaxPageSize}"];
        }

        return errors.Count > 0
            ? (null, errors)
            : (new AlertFilter(state, rule, severity, string.IsNullOrEmpty(device) ? null : device, string.IsNullOrEmpty(branch) ? null : branch, before, pageSize ?? AlertStore.DefaultPageSize), errors);
    }

    private static async Task<Results<Ok<AlertPage>, ValidationProblem>> ListAsync(
        string? state, string? rule, string? severity, string? device, string? branch, long? before, int? pageSize, AlertStore store, CancellationToken ct)
    {
        var (filter, errors) = Filter(state, rule, severity, device, branch, before, pageSize);
        return filter is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await store.ListAsync(filter, ct).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<AlertView>, NotFound, ProblemHttpResult>> AcknowledgeAsync(long id, AlertStore store, CancellationToken ct)
    {
        var result = await store.AcknowledgeAsync(id, ct).ConfigureAwait(false);
        return result switch
        {
            { Alert: { } alert } => TypedResults.Ok(alert),
            { Conflict: { } conflict } => TypedResults.Problem(conflict, statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<Ok<IReadOnlyList<AlertRuleSettingView>>, ValidationProblem>> SaveRulesAsync(AlertRulesChange request, AlertRuleSettings rules, CancellationToken ct)
    {
        var errors = await rules.SaveAsync(request, ct).ConfigureAwait(false);
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await rules.ListAsync(ct).ConfigureAwait(false));
    }

    private static async Task<Results<Created<AlertChannelCreated>, ValidationProblem, ProblemHttpResult>> CreateChannelAsync(AlertChannelRequest request, AlertChannels channels, CancellationToken ct)
    {
        var result = await channels.CreateAsync(request, ct).ConfigureAwait(false);
        return result switch
        {
            { Saved: { } saved } => TypedResults.Created($"/api/alerts/channels/{saved.Channel.ChannelId}", saved),
            { Errors: { } errors } => TypedResults.ValidationProblem(errors),
            _ => TypedResults.Problem(result.Conflict, statusCode: StatusCodes.Status409Conflict),
        };
    }

    private static async Task<Results<Ok<AlertChannelView>, NotFound, ValidationProblem>> UpdateChannelAsync(long channelId, AlertChannelRequest request, AlertChannels channels, CancellationToken ct)
    {
        var result = await channels.UpdateAsync(channelId, request, ct).ConfigureAwait(false);
        return result switch
        {
            { Saved: { } saved } => TypedResults.Ok(saved.Channel),
            { Errors: { } errors } => TypedResults.ValidationProblem(errors),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<Ok<AlertDeliveryPage>, ValidationProblem>> DeliveriesAsync(string? status, long? channel, long? before, int? pageSize, AlertChannels channels, CancellationToken ct)
    {
        if (status is not (null or "" or "pending" or "delivered" or "dead"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["status must be 'pending', 'delivered' or 'dead'"] });
        }

        if (pageSize is < 1 or > AlertChannels.MaxDeliveryPageSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["pageSize"] = [$"pageSize must be 1..{AlertChannels.MaxDeliveryPageSize}"] });
        }

        return TypedResults.Ok(await channels.DeliveriesAsync(string.IsNullOrEmpty(status) ? null : status, channel, before, pageSize ?? 50, ct).ConfigureAwait(false));
    }
}
