using System.CommandLine;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Api;
using Spectre.Console;

namespace Iot.Provisioning.Cli;

internal static class CommandRunner
{
    /// <summary>Runs a command body and maps failures to exit codes: refusals 1, bad usage or configuration 2.</summary>
    public static void Handle(this Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, ct) =>
        {
            await using var context = new CliContext(parse);
            try
            {
                return await body(parse, context, ct).ConfigureAwait(false);
            }
            catch (CliFailure ex)
            {
                Error(ex.Message);
                return ex.ExitCode;
            }
            catch (ProvisioningException ex)
            {
                Error(ex.Message);
                return ExitCodes.Failed;
            }
            catch (Exception ex) when (ex is NotInScopeException or ProvisioningApiUnavailableException or InvalidOperationException or TimeoutException)
            {
                Error(ex.Message);
                return ExitCodes.Failed;
            }
        });

    public static void Error(string message) => Console.Error.WriteLine("iotctl: " + message);

    /// <summary>Who a command acts as: the named tenant (or the caller's binding) and the operator recorded with the decision.</summary>
    public static ActingAs As(string? tenant, string? by = null) =>
        new(tenant, null, by ?? Environment.GetEnvironmentVariable("USER") ?? "iotctl");

    public static string Text(object? value) => Markup.Escape(value?.ToString() ?? "-");
}
