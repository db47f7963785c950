using System.Text.Json;
using Iot.Dashboard.Audio;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Reviews;
using Iot.Dashboard.Settings;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages.Dialogues;

[Authorize(Policy = Policies.ReadContent)]
public sealed class DialogueDetailModel(
    DialogueQueries queries, TenantSettingsService settings, TenantScope scope, AudioFiles audio, ReviewStore reviews, IAuthorizationService authorization) : PageModel
{
    public DialogueDetail? Detail { get; private set; }

    public IReadOnlyList<IReadOnlyList<TextPart>> Parts { get; private set; } = [];

    public string SegmentsJson { get; private set; } = "[]";

    public bool IsAdmin => scope.Role == Roles.Admin;

    /// <summary>Admins and supervisors (of this dialogue's branch: otherwise they would not see it) may correct the analysis.</summary>
    public bool CanReview { get; private set; }

    public DialogueReviews Reviews { get; private set; } = new(null, []);

    /// <summary>Why the last review was not stored, by field; empty after a GET or a stored review.</summary>
    public Dictionary<string, string[]> ReviewErrors { get; private set; } = [];

    /// <summary>What the review form shows: the posted values after a refusal, else the current review or the analysis.</summary>
    public ReviewForm Form { get; private set; } = new();

    public TimeZoneInfo TimeZone { get; private set; } = TimeZoneInfo.Utc;

    public DateTime Local(DateTime utc) => TenantTime.Local(utc, TimeZone);

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => LoadAsync(id, null, ct);

    public async Task<IActionResult> OnPostReviewAsync(Guid id, [FromForm] ReviewForm form, CancellationToken ct)
    {
        if (!(await authorization.AuthorizeAsync(User, Policies.ReviewAnalyses).ConfigureAwait(false)).Succeeded)
        {
            return Forbid();
        }

        var result = await reviews.SaveAsync(id, form.ToRequest(), ct).ConfigureAwait(false);
        if (result.NotFound)
        {
            return NotFound();
        }

        if (result.Saved is not null)
        {
            return Redirect($"/dialogues/{id}#review");
        }

        ReviewErrors = result.Errors ?? new Dictionary<string, string[]> { ["review"] = [result.Conflict ?? "not stored"] };
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await LoadAsync(id, form, ct).ConfigureAwait(false);
    }

    private async Task<IActionResult> LoadAsync(Guid id, ReviewForm? posted, CancellationToken ct)
    {
        Detail = await queries.DetailAsync(id, IsAdmin, ct).ConfigureAwait(false);
        if (Detail is null)
        {
            return NotFound();
        }

        Reviews = await reviews.GetAsync(id, IsAdmin, ct).ConfigureAwait(false) ?? new DialogueReviews(null, []);
        CanReview = Detail.Analysis is not null && Detail.Dialogue.DeletedAt is null
            && (await authorization.AuthorizeAsync(User, Policies.ReviewAnalyses).ConfigureAwait(false)).Succeeded;
        Form = posted ?? ReviewForm.From(Reviews.Current, Detail.Analysis);

        TimeZone = TenantTime.Zone((await settings.GetAsync(ct).ConfigureAwait(false)).TimeZone);
        Parts = EvidenceHighlighter.Mark(Detail.Transcript?.Utterances ?? [], Detail.Analysis?.Evidence.Select(e => e.Quote) ?? []);

        // The player plays the dialogue's one audio stream (its chunks joined in this order); each segment says where its
        // speech starts in that stream. Segments of chunks without a file (purged, metadata-only) cannot be played.
        var starts = OggOpusJoiner.Starts(await audio.ForDialogueAsync(id, ct).ConfigureAwait(false));
        var playable = Detail.Segments.Where(s => starts.ContainsKey(s.ChunkId))
            .Select(s => new PlayerSegment(s.OffsetMs, s.EndMs - s.StartMs, starts[s.ChunkId] + s.StartMs)).ToList();

        // Embedded in a <script type="application/json">: the serializer escapes <, > and & so it cannot close the tag.
        SegmentsJson = JsonSerializer.Serialize(playable, DialogueJson.Options);
        return Page();
    }

    /// <summary>Speech at <c>OffsetMs</c> of the dialogue timeline, <c>LengthMs</c> long, is at <c>StreamMs</c> of the audio stream.</summary>
    public sealed record PlayerSegment(int OffsetMs, int LengthMs, int StreamMs);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, [FromForm] string reason, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        reason = (reason ?? "").Trim();
        if (reason.Length is 0 or > DialogueEndpoints.MaxReasonLength)
        {
            return BadRequest();
        }

        await queries.SoftDeleteAsync(id, reason, ct).ConfigureAwait(false);
        return Redirect($"/dialogues/{id}");
    }

    public async Task<IActionResult> OnPostRestoreAsync(Guid id, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        await queries.RestoreAsync(id, ct).ConfigureAwait(false);
        return Redirect($"/dialogues/{id}");
    }
}
