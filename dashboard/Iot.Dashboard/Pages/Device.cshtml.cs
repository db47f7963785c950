using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Fleet;
using Iot.Dashboard.Localization;
using Iot.Dashboard.Provisioning;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iot.Dashboard.Pages;

[Authorize(Policy = Policies.ManageDevices)]
public sealed class DeviceModel(DeviceControl control, DeviceDetails details, TenantScope scope, TimeProvider time, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>The texts device.js shows on live updates.</summary>
    public static readonly IReadOnlyList<string> ClientKeys = [.. FleetFormat.ClientKeys, "Device.NoVersion", "Device.Refused", "Device.Since"];

    public DateTime NowUtc => time.GetUtcNow().UtcDateTime;

    public DeviceDetail Detail { get; private set; } = null!;

    public bool CanControl => scope.Role is Roles.Admin or Roles.Technician;

    public bool CanPush => control.CanPush;

    [TempData]
    public string? Message { get; set; }

    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(string deviceId, CancellationToken ct) =>
        await LoadAsync(deviceId, ct).ConfigureAwait(false) ? Page() : NotFound();

    /// <summary>Empty fields keep the device's current desired value.</summary>
    public Task<IActionResult> OnPostConfigAsync(string deviceId, string? recordingEnabled, string? trigger, string? schedule, int? chunkSeconds, string? logLevel, string? spokenLanguages, CancellationToken ct) =>
        ActAsync(deviceId, async () =>
        {
            var change = new DeviceConfigChange(
                recordingEnabled switch { "true" => true, "false" => false, _ => null },
                NullIfEmpty(trigger),
                ParseSchedule(schedule),
                chunkSeconds,
                NullIfEmpty(logLevel),
                // "-" clears the device's own languages; empty keeps them.
                spokenLanguages?.Trim() switch { null or "" => null, "-" => [], var l => [l] });
            var (version, errors) = await control.PushConfigAsync(deviceId, change, ct).ConfigureAwait(false);
            Errors.AddRange(errors.SelectMany(e => e.Value));
            return t["Device.ConfigPushed", version, deviceId];
        }, ct);

    public Task<IActionResult> OnPostCommandAsync(string deviceId, string name, CancellationToken ct) =>
        ActAsync(deviceId, async () =>
        {
            var request = new DeviceCommandRequest(name);
            var errors = DeviceControl.CheckCommand(request);
            Errors.AddRange(errors.SelectMany(e => e.Value));
            return errors.Count > 0 ? "" : t["Device.CommandSent", name, await control.SendCommandAsync(deviceId, request, ct).ConfigureAwait(false)];
        }, ct);

    /// <summary>"Mon-Fri=09:00-13:00,14:00-19:00; Sat=10:00-16:00" → the agent's Recording:Schedule map; empty = keep.</summary>
    internal static Dictionary<string, string>? ParseSchedule(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            map[eq < 0 ? entry : entry[..eq].Trim()] = eq < 0 ? "" : entry[(eq + 1)..].Trim();
        }

        return map;
    }

    private async Task<IActionResult> ActAsync(string deviceId, Func<Task<string>> action, CancellationToken ct)
    {
        if (!CanControl)
        {
            return Forbid();
        }

        try
        {
            var done = await action().ConfigureAwait(false);
            if (Errors.Count == 0)
            {
                Message = done;
                return RedirectToPage(new { deviceId });
            }
        }
        catch (NotInTenantException)
        {
            return NotFound();
        }
        catch (Exception ex) when (ex is ProvisioningException or ProvisioningApiUnavailableException)
        {
            Errors.Add(ex.Message);
        }

        return await LoadAsync(deviceId, ct).ConfigureAwait(false) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(string deviceId, CancellationToken ct)
    {
        Detail = (await details.GetAsync(deviceId, await details.CanReadAlertsAsync(User).ConfigureAwait(false), ct).ConfigureAwait(false))!;
        return Detail is not null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
