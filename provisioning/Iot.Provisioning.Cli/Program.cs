using System.CommandLine;
using Iot.Provisioning.Cli;
using Iot.Provisioning.Cli.Commands;

var root = new RootCommand("iotctl: provisioning and fleet operations for the IoT audio platform");
GlobalOptions.AddTo(root);
root.Subcommands.Add(DevicesCommands.Build());
root.Subcommands.Add(FleetCommands.Build());
root.Subcommands.Add(ConfigCommands.Build());
root.Subcommands.Add(CmdCommands.Build());
root.Subcommands.Add(JobsCommands.Build());
root.Subcommands.Add(AlertsCommands.Build());
root.Subcommands.Add(ProvisionCommands.BuildProvision());
root.Subcommands.Add(ProvisionCommands.BuildClaims());
root.Subcommands.Add(StorageCommands.Build());

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        CommandRunner.Error(error.Message);
    }

    return ExitCodes.Usage;
}

return await parse.InvokeAsync();
