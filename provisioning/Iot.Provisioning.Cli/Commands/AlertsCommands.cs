using System.CommandLine;
using Iot.Provisioning.Api;
using Spectre.Console;
using static Iot.Provisioning.Cli.CommandRunner;

namespace Iot.Provisioning.Cli.Commands;

/// <summary>
/// <c>iotctl alerts list</c>: alerts the bridge's evaluator opened, through the operator API. An unbound caller without
/// <c>--tenant</c> sees every tenant's and the platform's own (the broker certificate); a tenant-bound token only its
/// tenant's. Acknowledging is done in the dashboard.
/// </summary>
internal static class AlertsCommands
{
    public static Command Build()
    {
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's alerts (default: the token's binding, or every tenant)" };
        var all = new Option<bool>("--all") { Description = "Resolved alerts too (default: open ones only)" };
        var limit = new Option<int>("--limit") { Description = $"At most this many, newest first; 1..{AlertActions.MaxLimit}", DefaultValueFactory = _ => AlertActions.DefaultLimit };

        var list = new Command("list", "Alerts newest first: rule, subject, severity, summary, first and last seen, occurrences") { tenant, all, limit };
        list.Handle(async (p, c, ct) =>
        {
            var state = p.GetValue(all) ? AlertActions.All : AlertActions.Open;
            if (AlertActions.Check(state, p.GetValue(limit)) is { } problem)
            {
                throw new CliFailure("--" + problem, ExitCodes.Usage);
            }

            Write(await c.Actions().AlertsAsync(As(p.GetValue(tenant)), state, p.GetValue(limit), ct));
            return ExitCodes.Ok;
        });

        return new Command("alerts", "Alerts from the device health and pipeline rules") { list };
    }

    private static void Write(AlertsView view)
    {
        // Piped into grep or a file, an 80-column table would wrap summaries across lines.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 400;
        }

        var table = new Table().AddColumns("Alert", "Tenant", "Rule", "Subject", "Severity", "Summary", "First seen", "Last seen", "Seen", "Resolved", "Acknowledged");
        foreach (var a in view.Alerts)
        {
            table.AddRow(
                Text(a.AlertId), Text(a.TenantId ?? "(platform)"), Text(a.Rule), Text(a.Subject), Text(a.Severity), Text(a.Summary),
                Text(a.FirstSeenAt.ToString("u")), Text(a.LastSeenAt.ToString("u")), Text(a.Occurrences), Text(a.ResolvedAt?.ToString("u")),
                Text(a.AcknowledgedAt is { } at ? $"{at:u} {a.AcknowledgedBy}" : null));
        }

        AnsiConsole.Write(table);
        Console.WriteLine($"{view.Alerts.Count} {(view.State == AlertActions.All ? "" : "open ")}alert(s) listed (at most {view.Limit})");
    }
}
