using Iot.Dashboard.Auth;
using Iot.Dashboard.Dialogues;

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
