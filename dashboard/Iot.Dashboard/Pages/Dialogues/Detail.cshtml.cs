using System.Text.Json;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Settings;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages.Dialogues;

[Authorize(Policy = Policies.ReadContent)]
public sealed class DialogueDetailModel(DialogueQueries queries, TenantSettingsService settings, TenantScope scope) : PageModel
{
    public DialogueDetail? Detail { get; private set; }

    public IReadOnlyList<IReadOnlyList<TextPart>> Parts { get; private set; } = [];

    public string SegmentsJson { get; private set; } = "[]";

    public bool IsAdmin => scope.Role == Roles.Admin;

    public TimeZoneInfo TimeZone { get; private set; } = TimeZoneInfo.Utc;

    public DateTime Local(DateTime utc) => TenantTime.Local(utc, TimeZone);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Detail = await queries.DetailAsync(id, IsAdmin, ct).ConfigureAwait(false);
        if (Detail is null)
        {
            return NotFound();
        }

        TimeZone = TenantTime.Zone((await settings.GetAsync(ct).ConfigureAwait(false)).TimeZone);
        Parts = EvidenceHighlighter.Mark(Detail.Transcript?.Utterances ?? [], Detail.Analysis?.Evidence.Select(e => e.Quote) ?? []);

        // Embedded in a <script type="application/json">: the serializer escapes <, > and & so it cannot close the tag.
        SegmentsJson = JsonSerializer.Serialize(Detail.Segments, DialogueJson.Options);
        return Page();
    }

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
