using System.CommandLine;
using Iot.Provisioning.Api;
using Spectre.Console;
using static Iot.Provisioning.Cli.CommandRunner;

namespace Iot.Provisioning.Cli.Commands;

internal static class DevicesCommands
{
    public static Command Build()
    {
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant" };
        var list = new Command("list", "List registered devices and pending requests") { tenant };
        list.Handle(async (p, c, ct) =>
        {
            var actions = c.Actions();
            var who = As(p.GetValue(tenant));
            var devices = await actions.DevicesAsync(who, ct);
            var table = new Table().AddColumns("Tenant", "Device", "Branch", "Serial", "Model", "Provisioned", "State");
            foreach (var d in devices)
            {
                var state = d.IsRevoked ? "[red]revoked[/]" : !d.Enabled ? "disabled" : !d.HasSecret ? "awaiting pickup" : d.RotationPending ? "rotating" : "active";
                table.AddRow(Text(d.TenantId), Text(d.DeviceId), Text(d.BranchId), Text(d.Serial), Text(d.Model), Text(d.ProvisionedAt?.ToString("u")), state);
            }

            AnsiConsole.Write(table);
            var pending = await actions.PendingAsync(who, ct);
            var queue = new Table().Title("Pending").AddColumns("Serial", "Tenant", "Hardware", "Model", "Received", "Note");
            foreach (var r in pending)
            {
                queue.AddRow(Text(r.Serial), Text(r.TenantId), Text(r.HardwareId), Text(r.Model), Text(r.ReceivedAt.ToString("u")), Text(r.Reason));
            }

            AnsiConsole.Write(queue);
            Console.WriteLine($"{devices.Count} device(s), {pending.Count} pending");
            return ExitCodes.Ok;
        });

        var device = new Argument<string>("device") { Description = "Device id" };
        var show = new Command("show", "Show one device") { device };
        show.Handle(async (p, c, ct) =>
        {
            var actions = c.Actions();
            var who = As(null);
            var d = await actions.DeviceAsync(who, p.GetValue(device)!, ct);
            var config = await actions.ConfigAsync(who, d.DeviceId, ct);
            var grid = new Grid().AddColumn().AddColumn();
            foreach (var (k, v) in new (string, object?)[]
                     {
                         ("Device", d.DeviceId), ("Tenant", d.TenantId), ("Branch", d.BranchId), ("Serial", d.Serial), ("Hardware", d.HardwareId),
                         ("Model", d.Model), ("Agent", d.AgentVersion), ("Provisioned", d.ProvisionedAt?.ToString("u")), ("Revoked", d.RevokedAt?.ToString("u")),
                         ("Secret", d.HasSecret ? "set" : "none"), ("Rotation pending", d.RotationPending),
                         ("Desired config", config.Desired?.Version), ("Reported config", config.ReportedVersion),
                     })
            {
                grid.AddRow(k, Text(v));
            }

            AnsiConsole.Write(grid);
            return ExitCodes.Ok;
        });

        var serial = new Argument<string>("serial") { Description = "Serial of the pending device" };
        var approveTenant = new Option<string?>("--tenant") { Description = "Tenant whose pending request (needed when the serial is pending in several)" };
        var branch = new Option<string?>("--branch") { Description = "Branch" };
        var deviceId = new Option<string?>("--device-id") { Description = "Device id (default: the serial)" };
        var by = new Option<string?>("--by") { Description = "Operator name recorded with the decision (default: $USER)" };
        var approve = new Command("approve", "Approve a pending device; it collects its credentials with its next request") { serial, approveTenant, branch, deviceId, by };
        approve.Handle(async (p, c, ct) =>
        {
            var d = await c.Actions().ApproveAsync(As(p.GetValue(approveTenant), p.GetValue(by)), p.GetValue(serial)!, new ApproveBody(p.GetValue(branch), p.GetValue(deviceId)), ct);
            Console.WriteLine($"approved {p.GetValue(serial)} as {d.TenantId}/{d.DeviceId}");
            return ExitCodes.Ok;
        });

        var reason = new Option<string>("--reason") { Description = "Why (shown to the installer)", DefaultValueFactory = _ => "rejected by an operator" };
        var rejectTenant = new Option<string?>("--tenant") { Description = "Tenant whose pending request (needed when the serial is pending in several)" };
        var reject = new Command("reject", "Reject a pending device") { serial, rejectTenant, reason, by };
        reject.Handle(async (p, c, ct) =>
        {
            await c.Actions().RejectAsync(As(p.GetValue(rejectTenant), p.GetValue(by)), p.GetValue(serial)!, p.GetValue(reason)!, ct);
            Console.WriteLine($"rejected {p.GetValue(serial)}");
            return ExitCodes.Ok;
        });

        var revoke = new Command("revoke", "Revoke a device: its chunks are refused, its credentials stop working and its live session ends") { device, by };
        revoke.Handle(async (p, c, ct) =>
        {
            await c.Actions().RevokeAsync(As(null, p.GetValue(by)), p.GetValue(device)!, ct);
            Console.WriteLine($"revoked {p.GetValue(device)}");
            return ExitCodes.Ok;
        });

        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the device", DefaultValueFactory = _ => 60 };
        var rotate = new Command("rotate", "Rotate a device's secret; the old one works until the device confirms") { device, timeout, by };
        rotate.Handle(async (p, c, ct) =>
        {
            var actions = c.Actions();
            var who = As(null, p.GetValue(by));
            var id = await actions.RotateAsync(who, p.GetValue(device)!, TimeSpan.FromSeconds(p.GetValue(timeout)), ct);
            var row = await AnsiConsole.Status().StartAsync("waiting for the device to confirm", _ => actions.WaitForCommandAsync(who, id, TimeProvider.System, ct));
            Console.WriteLine($"rotation {id}: {row.Status} {row.Detail}");
            return row.Status == "done" ? ExitCodes.Ok : ExitCodes.Failed;
        });

        return new Command("devices", "Registered devices and provisioning decisions") { list, show, approve, reject, revoke, rotate };
    }
}
