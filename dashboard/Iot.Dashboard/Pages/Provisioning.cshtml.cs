using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
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
public sealed class ProvisioningModel(DashboardProvisioning provisioning, TenantDb db, IStringLocalizer<SharedResource> t) : PageModel
{
    public IReadOnlyList<PendingRequest> Pending { get; private set; } = [];

    public IReadOnlyList<string> Branches { get; private set; } = [];

    public IReadOnlyList<ReprovisionDecision> Reprovisioning { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public List<string> Errors { get; } = [];

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostApproveAsync(string serial, string? branchId, string? deviceId, CancellationToken ct)
    {
        try
        {
            var device = await provisioning.ApproveAsync(serial, branchId, deviceId, ct).ConfigureAwait(false);
            Message = t["Provisioning.Approved", serial, device];
            return RedirectToPage();
        }
        catch (Exception ex) when (ex is ProvisioningException or NotInTenantException or ProvisioningApiUnavailableException)
        {
            Errors.Add(ex.Message);
            await LoadAsync(ct).ConfigureAwait(false);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostRejectAsync(string serial, string reason, CancellationToken ct)
    {
        try
        {
            await provisioning.RejectAsync(serial, (reason ?? "").Trim(), ct).ConfigureAwait(false);
            Message = t["Provisioning.Rejected", serial];
            return RedirectToPage();
        }
        catch (Exception ex) when (ex is ProvisioningException or NotInTenantException or ProvisioningApiUnavailableException)
        {
            Errors.Add(ex.Message);
            await LoadAsync(ct).ConfigureAwait(false);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? csv, CancellationToken ct)
    {
        if (csv is null || csv.Length is 0 or > ProvisioningEndpoints.MaxCsvBytes)
        {
            Errors.Add(t["Provisioning.ChooseCsv", ProvisioningEndpoints.MaxCsvBytes]);
        }
        else
        {
            using var reader = new StreamReader(csv.OpenReadStream());
            try
            {
                var result = await provisioning.PreregisterAsync(await reader.ReadToEndAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                if (result.Succeeded)
                {
                    Message = t["Provisioning.Preregistered", result.Imported];
                    return RedirectToPage();
                }

                Errors.AddRange(result.Errors);
            }
            catch (ProvisioningApiUnavailableException ex)
            {
                Errors.Add(ex.Message);
            }
        }

        await LoadAsync(ct).ConfigureAwait(false);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Pending = await provisioning.PendingAsync(ct).ConfigureAwait(false);
        Reprovisioning = await provisioning.ReprovisioningAsync(50, ct).ConfigureAwait(false);
        Branches = await db.QueryAsync<string>("SELECT branch_id FROM branches ORDER BY branch_id", null, ct).ConfigureAwait(false);
    }
}
