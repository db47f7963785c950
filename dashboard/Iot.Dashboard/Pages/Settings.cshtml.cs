using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Audit;
using Iot.Dashboard.Localization;
using Iot.Dashboard.Settings;
using Iot.Dashboard.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iot.Dashboard.Pages;

public sealed class SettingsModel(TenantSettingsService settings, BranchLanguageService branchLanguages, TenantScope scope, UserAdmin users, AuditQueries audit, UserLanguageService languages, IStringLocalizer<SharedResource> t) : PageModel
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

    /// <summary>The signed-in user's own language choice; null = the browser's.</summary>
    public string? MyLanguage { get; private set; }

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
            Message = t["Settings.AccountAdded", email];
            return RedirectToPage();
        }

        Current = await settings.GetAsync(ct).ConfigureAwait(false);
        await LoadAdminPartsAsync(ct).ConfigureAwait(false);
        return Page();
    }

    public Task<IActionResult> OnPostDisableUserAsync(Guid id, string email, CancellationToken ct) =>
        UserActionAsync(() => users.DisableAsync(id, ct), t["Settings.AccountDisabled", email], ct);

    public Task<IActionResult> OnPostEnableUserAsync(Guid id, string email, CancellationToken ct) =>
        UserActionAsync(() => users.EnableAsync(id, ct), t["Settings.AccountEnabled", email], ct);

    public Task<IActionResult> OnPostChangeAccessAsync(Guid id, string email, string role, string? branches, CancellationToken ct) =>
        UserActionAsync(() => users.ChangeAccessAsync(id, new UserAccess(role, SplitBranches(branches)), ct), t["Settings.AccessSaved", email], ct);

    public Task<IActionResult> OnPostResetPasswordAsync(Guid id, string email, string? password, CancellationToken ct) =>
        UserActionAsync(() => users.ResetPasswordAsync(id, password, ct), t["Settings.PasswordReset", email], ct);

    public async Task<IActionResult> OnPostAsync([FromForm] TenantSettingsView form, CancellationToken ct)
    {
        if (!IsTenantAdmin)
        {
            return Forbid();
        }

        Errors = await settings.SaveAsync(form, ct).ConfigureAwait(false);
        if (Errors.Count == 0)
        {
            Message = t["Settings.Saved"];
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
            Message = t["Settings.BranchLanguagesSaved", branchId];
            return RedirectToPage();
        }

        Errors = errors;
        Current = await settings.GetAsync(ct).ConfigureAwait(false);
        await LoadAdminPartsAsync(ct).ConfigureAwait(false);
        return Page();
    }

    /// <summary>Any signed-in user, for their own account only (the service takes the account from the token).</summary>
    public async Task<IActionResult> OnPostLanguageAsync(string? language, CancellationToken ct)
    {
        Errors = await languages.SetAsync(language, ct).ConfigureAwait(false);
        if (Errors.Count == 0)
        {
            // The notice is read after the redirect, in the new language: word it in that language already.
            var now = SupportedCultures.Find(language) ?? UserCultureProvider.FromAcceptLanguage(Request.Headers.AcceptLanguage.ToString()) ?? SupportedCultures.Default;
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo(now);
            Message = t["Settings.LanguageSaved"];
            return RedirectToPage();
        }

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
            errors["scope"] = [t["Settings.OutOfScope"]];
        }

        if (errors.Count == 0)
        {
            Message = found ? done : t["Settings.NothingToChange"];
            return RedirectToPage();
        }

        Errors = errors;
        Current = await settings.GetAsync(ct).ConfigureAwait(false);
        await LoadAdminPartsAsync(ct).ConfigureAwait(false);
        return Page();
    }

    private async Task LoadAdminPartsAsync(CancellationToken ct)
    {
        MyLanguage = await languages.GetAsync(ct).ConfigureAwait(false);
        Branches = await branchLanguages.ListAsync(ct).ConfigureAwait(false);
        if (IsAdmin)
        {
            Users = await users.ListAsync(ct).ConfigureAwait(false);
            AuditEntries = (await audit.ListAsync(null, null, 50, ct).ConfigureAwait(false)).Items;
        }
    }
}
