using System.Globalization;
using Iot.Dashboard.Alerts;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iot.Dashboard.Pages;

/// <summary>One row of the thresholds form; the threshold arrives as text so "12.5" means the same in every culture.</summary>
public sealed class RuleForm
{
    public string? Rule { get; set; }
    public string? Threshold { get; set; }
    public bool Enabled { get; set; }
}

/// <summary>
/// Alert thresholds per rule, the tenant's channels, and the delivery log: tenant-wide settings, so admins of all
/// branches only. A new webhook's secret is rendered once in the answer to its creation (never stored in TempData or
/// any cookie, and the answer is not cached); after that nothing can show it again.
/// </summary>
[Authorize(Policy = Policies.TenantAdmin)]
public sealed class AlertSettingsModel(AlertRuleSettings rules, AlertChannels channels, IStringLocalizer<SharedResource> t) : PageModel
{
    public IReadOnlyList<AlertRuleSettingView> Rules { get; private set; } = [];

    public IReadOnlyList<AlertChannelView> Channels { get; private set; } = [];

    public IReadOnlyList<AlertDeliveryView> Deliveries { get; private set; } = [];

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    /// <summary>The secret of the webhook just made, for this one answer.</summary>
    public string? NewSecret { get; private set; }

    public string? NewSecretChannel { get; private set; }

    [TempData]
    public string? Message { get; set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostRulesAsync([FromForm] List<RuleForm> rule, CancellationToken ct)
    {
        var changes = new List<AlertRuleChange>();
        for (var i = 0; i < rule.Count; i++)
        {
            var text = rule[i].Threshold?.Trim();
            double? threshold = null;
            if (!string.IsNullOrEmpty(text))
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    Errors[$"rules[{i}].threshold"] = [$"rules[{i}].threshold '{text}' for '{rule[i].Rule}' is not a number"];
                    continue;
                }

                threshold = value;
            }

            changes.Add(new AlertRuleChange(rule[i].Rule, threshold, rule[i].Enabled));
        }

        if (Errors.Count == 0)
        {
            Errors = await rules.SaveAsync(new AlertRulesChange(changes), ct).ConfigureAwait(false);
        }

        return await DoneAsync(t["AlertSettings.ThresholdsSaved"], ct).ConfigureAwait(false);
    }

    public async Task<IActionResult> OnPostWebhookAsync(string? name, string? url, string? template, string? minSeverity, CancellationToken ct)
    {
        var result = await channels.CreateAsync(new AlertChannelRequest("webhook", name, url, template, null, minSeverity, true), ct).ConfigureAwait(false);
        if (result.Saved is { } saved)
        {
            // Shown in this answer only: a redirect would have to carry it in a cookie.
            NewSecret = saved.Secret;
            NewSecretChannel = saved.Channel.Name;
            Response.Headers.CacheControl = "no-store";
            await LoadAsync(ct).ConfigureAwait(false);
            return Page();
        }

        return await FailAsync(result, ct).ConfigureAwait(false);
    }

    public async Task<IActionResult> OnPostEmailAsync(string? name, string? recipients, string? minSeverity, CancellationToken ct)
    {
        var list = recipients?.Split([',', ';', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var result = await channels.CreateAsync(new AlertChannelRequest("email", name, null, null, list, minSeverity, true), ct).ConfigureAwait(false);
        return result.Saved is { } saved ? await DoneAsync(t["AlertSettings.EmailAdded", saved.Channel.Name], ct).ConfigureAwait(false) : await FailAsync(result, ct).ConfigureAwait(false);
    }

    public async Task<IActionResult> OnPostToggleAsync(long channelId, bool enabled, CancellationToken ct)
    {
        var result = await channels.UpdateAsync(channelId, new AlertChannelRequest(null, null, null, null, null, null, enabled), ct).ConfigureAwait(false);
        return result.Saved is { } saved
            ? await DoneAsync(t[enabled ? "AlertSettings.ChannelEnabled" : "AlertSettings.ChannelDisabled", saved.Channel.Name], ct).ConfigureAwait(false)
            : result.Errors is null ? NotFound() : await FailAsync(result, ct).ConfigureAwait(false);
    }

    public async Task<IActionResult> OnPostDeleteAsync(long channelId, CancellationToken ct) =>
        await channels.DeleteAsync(channelId, ct).ConfigureAwait(false)
            ? await DoneAsync(t["AlertSettings.ChannelDeleted", channelId], ct).ConfigureAwait(false)
            : NotFound();

    private async Task<IActionResult> FailAsync(ChannelChangeResult result, CancellationToken ct)
    {
        Errors = result.Errors ?? new Dictionary<string, string[]> { ["channel"] = [result.Conflict ?? "not saved"] };
        await LoadAsync(ct).ConfigureAwait(false);
        return Page();
    }

    private async Task<IActionResult> DoneAsync(string message, CancellationToken ct)
    {
        if (Errors.Count > 0)
        {
            await LoadAsync(ct).ConfigureAwait(false);
            return Page();
        }

        Message = message;
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Rules = await rules.ListAsync(ct).ConfigureAwait(false);
        Channels = await channels.ListAsync(ct).ConfigureAwait(false);
        Deliveries = (await channels.DeliveriesAsync(null, null, null, 50, ct).ConfigureAwait(false)).Items;
    }
}
