using System.Globalization;
using Iot.Dashboard.Auth;
using Iot.Dashboard.Data;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Reports.Mail;
using Microsoft.AspNetCore.Mvc;

namespace Iot.Dashboard.Reports;

public static class ReportEndpoints
{
    public static void MapReportEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/reports").WithTags("Reports").RequireAuthorization(Policies.ReadContent);
        group.MapGet("/dialogues.csv", ([AsParameters] DialogueFilter filter, DialogueReport report, HttpContext http) =>
            Export(filter, http.RequestAborted, "text/csv; charset=utf-8", "dialogues.csv", report.WriteCsvAsync));
        group.MapGet("/dialogues.xlsx", ([AsParameters] DialogueFilter filter, DialogueReport report, HttpContext http) =>
        {
            // SpreadCheetah writes the zip's small closing records synchronously when it is disposed; rows stream asynchronously.
            http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
            return Export(filter, http.RequestAborted, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "dialogues.xlsx", report.WriteXlsxAsync);
        });

        // Summaries (issue 19 item 5): same readers as the exports; row security scopes the figures.
        group.MapGet("/summary.pdf", ([AsParameters] SummaryQuery query, SummaryQueries queries, TenantDb db, TimeProvider time, HttpContext http) => SummaryAsync(query, SummaryFiles.Pdf, queries, db, time, http));
        group.MapGet("/summary.xlsx", ([AsParameters] SummaryQuery query, SummaryQueries queries, TenantDb db, TimeProvider time, HttpContext http) => SummaryAsync(query, SummaryFiles.Xlsx, queries, db, time, http));

        // Each user's own scheduled report mails.
        group.MapGet("/subscriptions", async (ReportSubscriptions subscriptions, CancellationToken ct) => TypedResults.Ok(await subscriptions.ListAsync(ct).ConfigureAwait(false)));
        group.MapPost("/subscriptions", async (SubscriptionInput input, ReportSubscriptions subscriptions, CancellationToken ct) =>
        {
            var errors = ReportSubscriptions.Validate(input);
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }

            var (outcome, id) = await subscriptions.CreateAsync(input, ct).ConfigureAwait(false);
            return outcome switch
            {
                ReportSubscriptions.Outcome.Created => Results.Created($"/api/reports/subscriptions/{id}", (await subscriptions.ListAsync(ct).ConfigureAwait(false)).Single(s => s.SubscriptionId == id)),
                ReportSubscriptions.Outcome.BranchNotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: "branch not found"),
                ReportSubscriptions.Outcome.Duplicate => Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: "you already have this subscription"),
                _ => Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"at most {ReportSubscriptions.MaxPerUser} subscriptions per user"),
            };
        });
        group.MapDelete("/subscriptions/{id:long}", async (long id, ReportSubscriptions subscriptions, CancellationToken ct) =>
            await subscriptions.DeleteAsync(id, ct).ConfigureAwait(false) ? Results.NoContent() : Results.NotFound());
    }

    /// <summary>Query of the summary routes; dates are read here so a bad one is a 400 naming its key.</summary>
    public sealed class SummaryQuery
    {
        [FromQuery] public string? From { get; set; }

        [FromQuery] public string? To { get; set; }

        [FromQuery] public string? Branch { get; set; }

        [FromQuery(Name = "operator")] public string? Operator { get; set; }
    }

    private static async Task<IResult> SummaryAsync(SummaryQuery query, string format, SummaryQueries queries, TenantDb db, TimeProvider time, HttpContext http)
    {
        var ct = http.RequestAborted;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);

        // Defaults: the last seven whole (UTC) days. Empty form fields mean "not given".
        var yesterday = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-1);
        var to = Date(query.To, "to", errors) ?? (string.IsNullOrEmpty(query.From) ? yesterday : null);
        var from = Date(query.From, "from", errors) ?? to?.AddDays(-6);
        query.Branch = string.IsNullOrEmpty(query.Branch) ? null : query.Branch;
        query.Operator = string.IsNullOrEmpty(query.Operator) ? null : query.Operator;
        if (errors.Count == 0)
        {
            errors = SummaryRequest.Validate(from, to, query.Branch, query.Operator);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var request = new SummaryRequest(from!.Value, to!.Value, query.Branch, query.Operator);
        if (await queries.GetAsync(request, ct).ConfigureAwait(false) is not { } summary)
        {
            return TypedResults.NotFound();
        }

        // A summary is a document for people, not data: it is written in the reader's language, chosen as for the pages
        // (the account's choice, else the browser's), although the rest of the API answers in the invariant culture.
        var language = await ReportLanguage.ForRequestAsync(http).ConfigureAwait(false);
        var bytes = await SummaryFiles.RenderAsync(summary, language, format, ct).ConfigureAwait(false);
        var details = new Dictionary<string, string?>
        {
            ["format"] = format,
            ["from"] = request.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = request.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["branch"] = request.Branch,
            ["operator"] = request.Operator,
        };
        await db.AuditAsync(new AuditEntry(AuditActions.Export, "summary", details.Where(d => d.Value is not null).ToDictionary(d => d.Key, d => d.Value)), ct).ConfigureAwait(false);
        return TypedResults.File(bytes, SummaryFiles.ContentType(format), summary.FileName(format));
    }

    private static DateOnly? Date(string? value, string key, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors[key] = [$"{key} must be a date (yyyy-MM-dd)"];
        return null;
    }

    private static IResult Export(DialogueFilter filter, CancellationToken ct, string contentType, string fileName, Func<DialogueFilter, Stream, CancellationToken, Task> write)
    {
        filter.Cursor = null;
        filter.PageSize = null;
        var errors = filter.Validate();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return Results.Stream(
            async body => await write(filter, body, ct).ConfigureAwait(false),
            contentType,
            fileName);
    }
}
