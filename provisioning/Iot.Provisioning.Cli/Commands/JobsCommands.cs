using System.CommandLine;
using System.Globalization;
using Iot.Provisioning.Api;
using Spectre.Console;
using static Iot.Provisioning.Cli.CommandRunner;

namespace Iot.Provisioning.Cli.Commands;

/// <summary>
/// <c>iotctl jobs</c>: the pipeline's job queue through the bridge's operator API, which owns retry and cancel (the
/// dashboard calls the same routes). An unbound caller without <c>--tenant</c> sees and acts on every tenant's jobs and
/// the platform's own (retention); a tenant-bound token only on its tenant's.
/// </summary>
internal static class JobsCommands
{
    public static Command Build()
    {
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's jobs (default: the token's binding, or every tenant)" };
        var by = new Option<string?>("--by") { Description = "Operator name recorded in the audit log (default: $USER)" };

        var list = new Command("list", "Queue depth by kind, status and priority; running leases; dead letters with their error; waiting jobs") { tenant };
        list.Handle(async (p, c, ct) =>
        {
            var view = await c.Actions().JobsAsync(As(p.GetValue(tenant)), ct);
            Write(view);
            return ExitCodes.Ok;
        });

        var id = new Argument<string>("id") { Description = "Job id" };
        var retry = new Command("retry", "Queue a dead job again (attempts reset, due now)") { id, tenant, by };
        retry.Handle(async (p, c, ct) =>
        {
            var result = await c.Actions().RetryJobAsync(As(p.GetValue(tenant), p.GetValue(by)), JobId(p.GetValue(id)), ct);
            Console.WriteLine($"retried job {result.JobIds[0]}");
            return ExitCodes.Ok;
        });

        var reason = new Option<string?>("--reason") { Description = "Why (kept on the job and in the audit log)" };
        var cancel = new Command("cancel", "Cancel a queued or waiting job: it ends as done with the reason") { id, tenant, reason, by };
        cancel.Handle(async (p, c, ct) =>
        {
            if (p.GetValue(reason) is { Length: > JobActions.MaxReasonChars })
            {
                throw new CliFailure($"--reason must be at most {JobActions.MaxReasonChars} characters", ExitCodes.Usage);
            }

            var result = await c.Actions().CancelJobAsync(As(p.GetValue(tenant), p.GetValue(by)), JobId(p.GetValue(id)), p.GetValue(reason), ct);
            Console.WriteLine($"cancelled job {result.JobIds[0]}");
            return ExitCodes.Ok;
        });

        var kind = new Argument<string>("kind") { Description = "Job kind (transcribe, analyze, reanalyze, build-dialogues, retention)" };
        var max = new Option<int>("--max") { Description = $"Refuse (and retry nothing) when more dead jobs than this match; 1..{JobActions.MaxRetryKind}", DefaultValueFactory = _ => JobActions.DefaultRetryKind };
        var retryKind = new Command("retry-kind", "Queue every dead job of a kind again, in one transaction") { kind, max, tenant, by };
        retryKind.Handle(async (p, c, ct) =>
        {
            if (JobApiEndpoints.CheckRetryKind(new RetryKindBody(p.GetValue(kind), p.GetValue(max))) is { } problem)
            {
                throw new CliFailure(problem, ExitCodes.Usage);
            }

            var result = await c.Actions().RetryJobsOfKindAsync(As(p.GetValue(tenant), p.GetValue(by)), p.GetValue(kind)!, p.GetValue(max), ct);
            Console.WriteLine($"retried {result.Count} dead '{p.GetValue(kind)}' job(s){(result.Count > 0 ? ": " + string.Join(' ', result.JobIds) : "")}");
            return ExitCodes.Ok;
        });

        return new Command("jobs", "The pipeline's job queue: look, retry, cancel") { list, retry, cancel, retryKind };
    }

    private static long JobId(string? text) =>
        JobApiEndpoints.ParseId(text) ?? throw new CliFailure($"job id must be a positive integer, not '{text}'", ExitCodes.Usage);

    private static void Write(JobsView view)
    {
        // Piped into grep or a file, an 80-column table would wrap dialogue ids and errors across lines.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 400;
        }

        var depth = new Table().Title("Depth").AddColumns("Kind", "Status", "Priority", "Jobs", "Oldest");
        foreach (var d in view.Depth)
        {
            depth.AddRow(Text(d.Kind), Text(d.Status), Text(d.Priority), Text(d.Count), Text(TimeSpan.FromSeconds(Math.Round(d.OldestAgeSeconds)).ToString("c", CultureInfo.InvariantCulture)));
        }

        AnsiConsole.Write(depth);
        var running = new Table().Title("Running").AddColumns("Job", "Kind", "Tenant", "For", "Attempt", "Worker", "Lease until");
        foreach (var j in view.Running)
        {
            running.AddRow(Text(j.JobId), Text(j.Kind), Text(j.TenantId ?? "(platform)"), Text(j.DialogueId ?? j.DeviceId), Text($"{j.Attempts}/{j.MaxAttempts}"), Text(j.LockedBy), Text(j.LeaseUntil?.ToString("u")));
        }

        AnsiConsole.Write(running);
        var dead = new Table().Title("Dead").AddColumns("Job", "Kind", "Tenant", "For", "Attempts", "Failed", "Last error");
        foreach (var j in view.Dead)
        {
            dead.AddRow(Text(j.JobId), Text(j.Kind), Text(j.TenantId ?? "(platform)"), Text(j.DialogueId ?? j.DeviceId), Text(j.Attempts), Text(j.FinishedAt?.ToString("u")), Text(j.LastError));
        }

        AnsiConsole.Write(dead);
        var waiting = new Table().Title("Waiting").AddColumns("Job", "Kind", "Tenant", "For", "Why", "Since");
        foreach (var j in view.Waiting)
        {
            waiting.AddRow(Text(j.JobId), Text(j.Kind), Text(j.TenantId ?? "(platform)"), Text(j.DialogueId ?? j.DeviceId), Text(j.WaitReason), Text(j.UpdatedAt.ToString("u")));
        }

        AnsiConsole.Write(waiting);
        Console.WriteLine($"{view.Depth.Sum(d => d.Count)} unfinished or dead job(s); {view.Running.Count} running, {view.Dead.Count} dead, {view.Waiting.Count} waiting listed (at most {view.ListLimit} each)");
    }
}
