using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Iot.Protocol.Messages;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Storage;

namespace Iot.Provisioning.Api;

/// <summary>Where the operator API is and how this caller proves itself: a token, or a file holding one (read per call).</summary>
public sealed record ProvisioningApiEndpoint(Uri BaseAddress, string? Token, string? TokenFile);

/// <summary>
/// <see cref="IProvisioningActions"/> over HTTP. A token file is read on every call, so a bridge restart that mints a
/// new local token is picked up without restarting the dashboard.
/// </summary>
public sealed class HttpProvisioningActions(HttpClient http, ProvisioningApiEndpoint endpoint) : IProvisioningActions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<IReadOnlyList<DeviceView>> DevicesAsync(ActingAs who, CancellationToken ct) => SendAsync<IReadOnlyList<DeviceView>>(HttpMethod.Get, "v1/devices", who, null, ct);

    public Task<DeviceView> DeviceAsync(ActingAs who, string deviceId, CancellationToken ct) => SendAsync<DeviceView>(HttpMethod.Get, $"v1/devices/{E(deviceId)}", who, null, ct);

    public Task<IReadOnlyList<PendingView>> PendingAsync(ActingAs who, CancellationToken ct) => SendAsync<IReadOnlyList<PendingView>>(HttpMethod.Get, "v1/requests", who, null, ct);

    public Task<DeviceView> ApproveAsync(ActingAs who, string serial, ApproveBody body, CancellationToken ct) =>
        SendAsync<DeviceView>(HttpMethod.Post, $"v1/requests/{E(serial)}/approve", who, JsonContent.Create(body, options: Json), ct);

    public Task RejectAsync(ActingAs who, string serial, string reason, CancellationToken ct) =>
        SendAsync<object>(HttpMethod.Post, $"v1/requests/{E(serial)}/reject", who, JsonContent.Create(new RejectBody(reason), options: Json), ct);

    public Task RevokeAsync(ActingAs who, string deviceId, CancellationToken ct) => SendAsync<object>(HttpMethod.Post, $"v1/devices/{E(deviceId)}/revoke", who, null, ct);

    public async Task<Guid> RotateAsync(ActingAs who, string deviceId, TimeSpan timeout, CancellationToken ct) =>
        (await SendAsync<CommandIssued>(HttpMethod.Post, $"v1/devices/{E(deviceId)}/rotate", who, JsonContent.Create(new RotateBody((int)timeout.TotalSeconds), options: Json), ct).ConfigureAwait(false)).CommandId;

    public Task<DeviceConfigState> ConfigAsync(ActingAs who, string deviceId, CancellationToken ct) => SendAsync<DeviceConfigState>(HttpMethod.Get, $"v1/devices/{E(deviceId)}/config", who, null, ct);

    public Task<DeviceConfigDocument> SetConfigAsync(ActingAs who, string deviceId, DeviceConfigDocument document, CancellationToken ct) =>
        SendAsync<DeviceConfigDocument>(HttpMethod.Put, $"v1/devices/{E(deviceId)}/config", who, JsonContent.Create(document, options: Json), ct);

    public async Task<Guid> SendCommandAsync(ActingAs who, string deviceId, CommandBody body, CancellationToken ct) =>
        (await SendAsync<CommandIssued>(HttpMethod.Post, $"v1/devices/{E(deviceId)}/commands", who, JsonContent.Create(body, options: Json), ct).ConfigureAwait(false)).CommandId;

    public Task<CommandRow> CommandAsync(ActingAs who, Guid commandId, CancellationToken ct) => SendAsync<CommandRow>(HttpMethod.Get, $"v1/commands/{commandId}", who, null, ct);

    public Task<PreregistrationResult> PreregisterAsync(ActingAs who, string csv, CancellationToken ct) =>
        SendAsync<PreregistrationResult>(HttpMethod.Post, "v1/preregistrations", who, new StringContent(csv, Encoding.UTF8, "text/csv"), ct);

    public Task<ClaimToken> CreateClaimAsync(ActingAs who, ClaimBody body, CancellationToken ct) =>
        SendAsync<ClaimToken>(HttpMethod.Post, "v1/claims", who, JsonContent.Create(body, options: Json), ct);

    public Task<IReadOnlyList<ReprovisionAuditRow>> ReprovisionAuditAsync(ActingAs who, int limit, CancellationToken ct) =>
        SendAsync<IReadOnlyList<ReprovisionAuditRow>>(HttpMethod.Get, $"v1/audit/reprovisioning?limit={limit}", who, null, ct);

    public Task<JobsView> JobsAsync(ActingAs who, CancellationToken ct) => SendAsync<JobsView>(HttpMethod.Get, "v1/jobs", who, null, ct);

    public Task<AlertsView> AlertsAsync(ActingAs who, string state, int limit, CancellationToken ct) =>
        SendAsync<AlertsView>(HttpMethod.Get, $"v1/alerts?state={E(state)}&limit={limit}", who, null, ct);

    public Task<JobActionResult> RetryJobAsync(ActingAs who, long jobId, CancellationToken ct) =>
        SendAsync<JobActionResult>(HttpMethod.Post, $"v1/jobs/{jobId}/retry", who, null, ct);

    public Task<JobActionResult> CancelJobAsync(ActingAs who, long jobId, string? reason, CancellationToken ct) =>
        SendAsync<JobActionResult>(HttpMethod.Post, $"v1/jobs/{jobId}/cancel", who, JsonContent.Create(new CancelJobBody(reason), options: Json), ct);

    public Task<JobActionResult> RetryJobsOfKindAsync(ActingAs who, string kind, int max, CancellationToken ct) =>
        SendAsync<JobActionResult>(HttpMethod.Post, "v1/jobs/retry-kind", who, JsonContent.Create(new RetryKindBody(kind, max), options: Json), ct);

    private static string E(string id) => Uri.EscapeDataString(id);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, ActingAs who, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(endpoint.BaseAddress, path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(ct).ConfigureAwait(false));
        if (who.TenantId is not null)
        {
            request.Headers.Add(OperatorScope.TenantHeader, who.TenantId);
            request.Headers.Add(OperatorScope.BranchesHeader, who.Branches is null ? OperatorScope.AllBranches : string.Join(',', who.Branches));
        }

        if (who.Actor is not null)
        {
            request.Headers.Add(OperatorScope.ActorHeader, who.Actor);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new ProvisioningApiUnavailableException($"cannot reach the provisioning API at {endpoint.BaseAddress}: {ex.Message}", ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return response.StatusCode == HttpStatusCode.NoContent
                    ? default!
                    : (await response.Content.ReadFromJsonAsync<T>(Json, ct).ConfigureAwait(false))!;
            }

            var detail = await DetailAsync(response, ct).ConfigureAwait(false);
            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound => new NotInScopeException(detail),
                HttpStatusCode.BadRequest or HttpStatusCode.Conflict => new ProvisioningException(detail),
                _ => new ProvisioningApiUnavailableException($"the provisioning API at {endpoint.BaseAddress} answered {(int)response.StatusCode}: {detail}"),
            };
        }
    }

    private async ValueTask<string> TokenAsync(CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(endpoint.Token))
        {
            return endpoint.Token;
        }

        try
        {
            return (await File.ReadAllTextAsync(endpoint.TokenFile!, ct).ConfigureAwait(false)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ProvisioningApiUnavailableException($"cannot read the provisioning API token file {endpoint.TokenFile}: {ex.Message}", ex);
        }
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("detail", out var d) && d.GetString() is { } detail)
            {
                return detail;
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, say): the status line is the message.
        }

        return response.ReasonPhrase ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
