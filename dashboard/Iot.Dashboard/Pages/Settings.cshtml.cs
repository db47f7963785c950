using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Audit;
using Iot.Dashboard.Settings;
using Iot.Dashboard.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages;

public sealed class SettingsModel(TenantSettingsService settings, TenantScope scope, UserAdmin users, AuditQueries audit) : PageModel
{
    public IReadOnlyList<UserView> Users { get; private set; } = [];

    public IReadOnlyList<AuditRow> AuditEntries { get; private set; } = [];

    public TenantSettingsView Current { get; private set; } = new();

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public bool IsAdmin => scope.Role == Roles.Admin;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Current = await settings.GetAsync(ct).ConfigureAwait(false);
        await LoadAdminPartsAsync(ct).ConfigureAwait(false);
    }

    public async Task<IActionResult> OnPostCreateUserAsync(string email, string? displayName, string role, string? branches, string password, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        var list = string.IsNullOrWhiteSpace(branches) ? null : branches.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Errors = await users.CreateAsync(new NewUser(email, displayName, role, list, password), ct).ConfigureAwait(false);
        if (Errors.Count == 0)
        {
            Message = $"Account {email} added.";
            return RedirectToPage();
        }

        Current = await settings.GetAsync(ct).ConfigureAwait(false);
        await LoadAdminPartsAsync(ct).ConfigureAwait(false);
        return Page();
    }

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
        await LoadAdminPartsAsync(ct).ConfigureAwait(false);
        return Page();
    }

    private async Task LoadAdminPartsAsync(CancellationToken ct)
    {
        if (IsAdmin)
        {
            Users = await users.ListAsync(ct).ConfigureAwait(false);
            AuditEntries = (await audit.ListAsync(null, null, 50, ct).ConfigureAwait(false)).Items;
        }
    }
}
