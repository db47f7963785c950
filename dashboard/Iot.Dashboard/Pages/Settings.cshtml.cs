using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Settings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages;

public sealed class SettingsModel(TenantSettingsService settings, TenantScope scope) : PageModel
{
    public TenantSettingsView Current { get; private set; } = new();

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public bool IsAdmin => scope.Role == Roles.Admin;

    public async Task OnGetAsync(CancellationToken ct) => Current = await settings.GetAsync(ct).ConfigureAwait(false);

    public async Task<IActionResult> OnPostAsync([FromForm] TenantSettingsView form, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        Errors = await settings.SaveAsync(form, ct).ConfigureAwait(false);
        if (Errors.Count == 0)
        {
            Message = "Saved.";
            return RedirectToPage();
        }

        Current = form;
        return Page();
    }
}
