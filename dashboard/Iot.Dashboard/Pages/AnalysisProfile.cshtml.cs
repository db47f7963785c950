using System.Text.Json;
using Iot.Cloud.Pipeline.Analysis;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Localization;
using Iot.Dashboard.Settings;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Iot.Dashboard.Pages;

/// <summary>
/// The analysis profile screen: the current version per language (frames, categories and product words, replies, cues,
/// checklist), a JSON editor whose validator errors show inline, a "try it" box on pasted text (with the draft in the
/// editor), the version history, and re-analysis of a period with its progress.
/// </summary>
[Authorize(Policy = Policies.ReadAnalysisProfile)]
public sealed class AnalysisProfileModel(AnalysisProfileService profiles, ReanalysisService reanalysis, TenantScope scope, IStringLocalizer<SharedResource> t) : PageModel
{
    // Indented for editing; non-ASCII phrases stay readable (the page HTML-encodes the textarea anyway).
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ProfileView Current { get; private set; } = null!;

    /// <summary>The current profile parsed, for the per-language view.</summary>
    public AnalysisProfile Parsed { get; private set; } = BuiltInProfiles.Default;

    public IReadOnlyList<ProfileVersionSummary> Versions { get; private set; } = [];

    public IReadOnlyList<ReanalysisRun> Runs { get; private set; } = [];

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    public TryResponse? Trial { get; private set; }

    [TempData]
    public string? Message { get; set; }

    [BindProperty]
    public string Draft { get; set; } = "";

    [BindProperty]
    public string? Note { get; set; }

    [BindProperty]
    public int? BaseVersion { get; set; }

    [BindProperty]
    public string TryLanguage { get; set; } = "en";

    [BindProperty]
    public string? TryText { get; set; }

    [BindProperty]
    public DateOnly? From { get; set; }

    [BindProperty]
    public DateOnly? To { get; set; }

    public bool CanEdit => scope.Role == Roles.Admin && scope.Branches is null;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(keepDraft: false, ct).ConfigureAwait(false);

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }

        if (!TryParseDraft(out var draft))
        {
            await LoadAsync(keepDraft: true, ct).ConfigureAwait(false);
            return Page();
        }

        return await SaveDraftAsync(draft, ct).ConfigureAwait(false);
    }

    /// <summary>One language's lists from its section of the screen, merged into the current profile and saved as a new version.</summary>
    public async Task<IActionResult> OnPostSaveListsAsync(LanguageListForm lists, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(lists);
        if (!CanEdit)
        {
            return Forbid();
        }

        var (current, _) = await profiles.CurrentProfileAsync(ct).ConfigureAwait(false);
        AnalysisProfile edited;
        try
        {
            edited = lists.ApplyTo(current);
        }
        catch (ArgumentException ex)
        {
            Errors = new Dictionary<string, string[]> { ["lists"] = [ex.Message.Split(" (Parameter", 2)[0]] };
            await LoadAsync(keepDraft: false, ct).ConfigureAwait(false);
            return Page();
        }

        using var document = JsonDocument.Parse(edited.ToJson());

        // If the save is refused, the editor shows the merged profile the errors are about.
        Draft = JsonSerializer.Serialize(document.RootElement, Indented);
        return await SaveDraftAsync(document.RootElement.Clone(), ct).ConfigureAwait(false);
    }

    private async Task<IActionResult> SaveDraftAsync(JsonElement draft, CancellationToken ct)
    {
        var outcome = await profiles.SaveAsync(new ProfileSaveRequest(draft, Note, BaseVersion), ct).ConfigureAwait(false);
        if (outcome.Version is { } version)
        {
            Message = t["AnalysisProfile.Saved", version];
            return RedirectToPage();
        }

        Errors = outcome.ConflictWith is { } other
            ? new Dictionary<string, string[]> { ["profile"] = [t["AnalysisProfile.Conflict", other]] }
            : outcome.Errors;
        await LoadAsync(keepDraft: true, ct).ConfigureAwait(false);
        return Page();
    }

    public async Task<IActionResult> OnPostTryAsync(CancellationToken ct)
    {
        if (TryParseDraft(out var draft))
        {
            var (result, errors) = await profiles.TryAsync(new ProfileTryRequest(TryLanguage, TryText ?? "", draft), ct).ConfigureAwait(false);
            Trial = result;
            Errors = errors;
        }

        await LoadAsync(keepDraft: true, ct).ConfigureAwait(false);
        return Page();
    }

    public async Task<IActionResult> OnPostReanalyseAsync(CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }

        if (From is not { } from || To is not { } to)
        {
            Errors = new Dictionary<string, string[]> { ["from"] = [t["AnalysisProfile.BothDates"]] };
            await LoadAsync(keepDraft: false, ct).ConfigureAwait(false);
            return Page();
        }

        // Whole UTC days, the end day included: what a date picker means by "from … to".
        var (started, errors) = await reanalysis.RequestAsync(
            new ReanalysisRequest(new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)), ct).ConfigureAwait(false);
        if (started is not null)
        {
            Message = started.Added == 0
                ? t["AnalysisProfile.NothingToAdd", started.InRange, started.ProfileVersion]
                : t["AnalysisProfile.Queued", started.Added, started.InRange, started.ProfileVersion];
            return RedirectToPage();
        }

        Errors = errors;
        await LoadAsync(keepDraft: false, ct).ConfigureAwait(false);
        return Page();
    }

    private bool TryParseDraft(out JsonElement draft)
    {
        draft = default;
        if (Draft.Length > AnalysisProfileService.MaxProfileBytes)
        {
            Errors = new Dictionary<string, string[]> { ["profile"] = [$"the profile must be at most {AnalysisProfileService.MaxProfileBytes} characters"] };
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(Draft);
            draft = document.RootElement.Clone();
            return true;
        }
        catch (JsonException ex)
        {
            Errors = new Dictionary<string, string[]> { ["profile"] = [$"not valid JSON: {ex.Message}"] };
            return false;
        }
    }

    private async Task LoadAsync(bool keepDraft, CancellationToken ct)
    {
        Current = await profiles.GetCurrentAsync(ct).ConfigureAwait(false);
        try
        {
            Parsed = Current.Version == 0 ? BuiltInProfiles.Default : AnalysisProfile.FromJson(Current.Profile.GetRawText());
        }
        catch (JsonException ex)
        {
            // Only a direct SQL write can store an invalid profile (the API validates): show it, so it can be fixed here.
            Parsed = BuiltInProfiles.Default;
            Errors.TryAdd("current", [$"the current version {Current.Version} is not a valid profile and the pipeline cannot use it: {ex.Message}"]);
        }
        Versions = await profiles.ListVersionsAsync(ct).ConfigureAwait(false);
        Runs = await reanalysis.ProgressAsync(10, ct).ConfigureAwait(false);
        if (!keepDraft)
        {
            Draft = JsonSerializer.Serialize(Current.Profile, Indented);
            BaseVersion = Current.Version;
        }
    }
}
