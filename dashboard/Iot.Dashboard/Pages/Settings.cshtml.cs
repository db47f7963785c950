using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Audit;
using Iot.Dashboard.Settings;
using Iot.Dashboard.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages;

public sealed class SettingsModel(TenantSettingsService settings, BranchLanguageService branchLanguages, TenantScope scope, UserAdmin users, AuditQueries audit) : PageModel
{
    public IReadOnlyList<BranchLanguagesView> Branches { get; private set; } = [];

    public IReadOnlyList<UserView> Users { get; private set; } = [];

    public IReadOnlyList<AuditRow> AuditEntries { get; private set; } = [];

    public TenantSettingsView Current { get; private set; } = new();

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    [TempData]
    public string? Message { get; set; }

    public bool IsAdmin => scope.Role == Roles.Admin;

    /// <summary>Tenant-wide settings (time zone, retention) reach every branch: only an all-branch admin changes them.</summary>
    public bool IsTenantAdmin => IsAdmin && scope.Branches is null;

    public string SelfId => scope.UserId;

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

        Errors = await users.CreateAsync(new NewUser(email, displayName, role, SplitBranches(branches), password), ct).ConfigureAwait(false);
        if (Errors.Count == 0)
        {
            Message = $"Account {email} added.";
            return RedirectToPage();
        }

        Current = await settings.GetAsync(ct).ConfigureAwait(false);
        await LoadAdminPartsAsync(ct).ConfigureAwait(false);
        return Page();
    }

    public Task<IActionResult> OnPostDisableUserAsync(Guid id, string email, CancellationToken ct) =>
        UserActionAsync(() => users.DisableAsync(id, ct), $"Account {email} disabled.", ct);

    public Task<IActionResult> OnPostEnableUserAsync(Guid id, string email, CancellationToken ct) =>
        UserActionAsync(() => users.EnableAsync(id, ct), $"Account {email} enabled.", ct);

    public Task<IActionResult> OnPostChangeAccessAsync(Guid id, string email, string role, string? branches, CancellationToken ct) =>
        UserActionAsync(() => users.ChangeAccessAsync(id, new UserAccess(role, SplitBranches(branches)), ct), $"Account {email}: role and branches saved.", ct);

    public Task<IActionResult> OnPostResetPasswordAsync(Guid id, string email, string? password, CancellationToken ct) =>
        UserActionAsync(() => users.ResetPasswordAsync(id, password, ct), $"Account {email}: password reset, its sign-ins ended.", ct);

    public async Task<IActionResult> OnPostAsync([FromForm] TenantSettingsView form, CancellationToken ct)
    {
        if (!IsTenantAdmin)
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

    public async Task<IActionResult> OnPostBranchLanguagesAsync(string branchId, string? languages, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        var errors = await branchLanguages.SaveAsync(branchId, new BranchLanguagesChange(languages is null ? null : [languages]), ct).ConfigureAwait(false);
        if (errors is null)
        {
            return NotFound();
        }

        if (errors.Count == 0)
        {
            Message = $"Branch {branchId}: spoken languages saved.";
            return RedirectToPage();
        }

        Errors = errors;
        Current = await settings.GetAsync(ct).ConfigureAwait(false);
        await LoadAdminPartsAsync(ct).ConfigureAwait(false);
        return Page();
    }

    private static string[]? SplitBranches(string? branches) =>
        string.IsNullOrWhiteSpace(branches) ? null : branches.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task<IActionResult> UserActionAsync(Func<Task<UserChange>> action, string done, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        var (found, outOfScope, errors) = await action().ConfigureAwait(false);
        if (outOfScope)
        {
            errors["scope"] = ["This account reaches branches you do not manage."];
        }

        if (errors.Count == 0)
        {
            Message = found ? done : "No such account, or nothing to change.";
            return RedirectToPage();
        }

        Errors = errors;
        Current = await settings.GetAsync(ct).ConfigureAwait(false);
        await LoadAdminPartsAsync(ct).ConfigureAwait(false);
        return Page();
    }

    private async Task LoadAdminPartsAsync(CancellationToken ct)
    {
        Branches = await branchLanguages.ListAsync(ct).ConfigureAwait(false);
        if (IsAdmin)
        {
            Users = await users.ListAsync(ct).ConfigureAwait(false);
            AuditEntries = (await audit.ListAsync(null, null, 50, ct).ConfigureAwait(false)).Items;
        }
    }
}
