using System.CommandLine;
using Iot.Provisioning.Api;
using Spectre.Console;

namespace Iot.Provisioning.Cli.Commands;

internal static class CmdCommands
{
    public static Command Build()
    {
        var device = new Argument<string>("device") { Description = "Device id" };
        var name = new Argument<string>("name") { Description = "Command name" };
        var args = new Option<string[]>("--arg") { Description = "Argument key=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var wait = new Option<bool>("--wait") { Description = "Wait for the device's final result" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds until the command expires", DefaultValueFactory = _ => 30 };
        var send = new Command("send", "Send a command to a device") { device, name, args, wait, timeout };
        send.Handle(async (p, c, ct) =>
        {
            var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in p.GetValue(args) ?? [])
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new CliFailure($"--arg '{pair}' is not key=value", ExitCodes.Usage);
                }

                parsed[pair[..eq]] = pair[(eq + 1)..];
            }

            if (p.GetValue(timeout) is < 1 or > 86_400)
            {
                throw new CliFailure("--timeout must be 1..86400 seconds", ExitCodes.Usage);
            }

            var actions = c.Actions();
            var who = CommandRunner.As(null);
            var id = await actions.SendCommandAsync(who, p.GetValue(device)!, new CommandBody(p.GetValue(name)!, parsed, p.GetValue(timeout)), ct);
            Console.WriteLine($"command {id} sent");
            if (!p.GetValue(wait))
            {
                return ExitCodes.Ok;
            }

            var row = await AnsiConsole.Status().StartAsync("waiting for the device", _ => actions.WaitForCommandAsync(who, id, TimeProvider.System, ct));
            Console.WriteLine($"command {id}: {row.Status}{(row.Detail is null ? "" : " " + row.Detail)}");
            return row.Status == "done" ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return new Command("cmd", "Device commands") { send };
    }
}
