using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Settings;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Iot.Dashboard.Pages.Dialogues;

[Authorize(Policy = Policies.ReadContent)]
public sealed class DialogueListModel(DialogueQueries queries, TenantSettingsService settings, TenantScope scope) : PageModel
{
    public DialogueFilter Filter { get; private set; } = new();

    public DialoguePage? Results { get; private set; }

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    public string? NextPageUrl { get; private set; }

    public bool IsAdmin => scope.Role == Roles.Admin;

    public TimeZoneInfo TimeZone { get; private set; } = TimeZoneInfo.Utc;

    public DateTime Local(DateTime utc) => TenantTime.Local(utc, TimeZone);

    /// <summary>
    /// The export of exactly this list (every filter of the URL, no cursor): the export API takes <c>to</c> as an
    /// exclusive instant, so a day given on this page becomes the next day, as the list itself reads it.
    /// </summary>
    public string ExportUrl(string format)
    {
        var query = Request.Query.Where(q => q.Key is not ("cursor" or "pageSize" or "deleted") && q.Value.ToString().Length > 0).ToDictionary(q => q.Key, q => q.Value);
        if (query.TryGetValue("to", out var to) && to.ToString().Length == "yyyy-MM-dd".Length && Filter.To is { } day)
        {
            query["to"] = day.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }

        return $"/api/reports/dialogues.{format}" + QueryString.Create(query);
    }

    public async Task OnGetAsync([FromQuery] DialogueFilter filter, CancellationToken ct)
    {
        Filter = filter;
        TimeZone = TenantTime.Zone((await settings.GetAsync(ct).ConfigureAwait(false)).TimeZone);

        // Date inputs give a day; "to" includes that whole day. A full timestamp (drill-down links from Performance pass
        // the period's exclusive end, a local midnight with its offset) is taken as it is.
        var dayOnly = Request.Query["to"].ToString().Length == "yyyy-MM-dd".Length;
        if (filter.To is { } to && to.TimeOfDay == TimeSpan.Zero && dayOnly)
        {
            filter.To = to.AddDays(1);
        }

        Errors = filter.Validate();
        if (filter.Deleted == true && !IsAdmin)
        {
            Errors["deleted"] = ["only admins may list deleted dialogues"];
        }

        if (Errors.Count > 0)
        {
            return;
        }

        Results = await queries.ListAsync(filter, includeDeleted: IsAdmin, ct).ConfigureAwait(false);
        if (filter.To is { } shown && shown.TimeOfDay == TimeSpan.Zero && dayOnly)
        {
            filter.To = shown.AddDays(-1);
        }

        if (Results.NextCursor is not null)
        {
            var query = Request.Query.Where(q => q.Key != "cursor").ToDictionary(q => q.Key, q => q.Value);
            query["cursor"] = Results.NextCursor;
            NextPageUrl = "/dialogues" + QueryString.Create(query);
        }
    }
}
