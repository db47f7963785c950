using System.CommandLine;
using System.Globalization;
using Iot.Provisioning.Api;

namespace Iot.Provisioning.Cli.Commands;

internal static class ProvisionCommands
{
    public static Command BuildProvision()
    {
        var csv = new Option<FileInfo>("--csv") { Description = "serial,tenant,branch,device_id,display_name per line", Required = true };
        var preregister = new Command("preregister", "Announce serials so they are approved without a human step (all or nothing)") { csv };
        preregister.Handle(async (p, c, ct) =>
        {
            var file = p.GetValue(csv)!;
            if (!file.Exists)
            {
                throw new CliFailure($"--csv: {file.FullName} does not exist", ExitCodes.Usage);
            }

            var result = await c.Actions().PreregisterAsync(CommandRunner.As(null), await File.ReadAllTextAsync(file.FullName, ct), ct);
            foreach (var error in result.Errors)
            {
                CommandRunner.Error(error);
            }

            Console.WriteLine(result.Succeeded ? $"{result.Imported} serial(s) preregistered" : $"nothing imported: {result.Errors.Count} bad line(s)");
            return result.Succeeded ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return new Command("provision", "Provisioning set-up") { preregister };
    }

    public static Command BuildClaims()
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant the claimed devices join", Required = true };
        var branch = new Option<string?>("--branch") { Description = "Default branch" };
        var maxUses = new Option<int?>("--max-uses") { Description = "How many devices may use it" };
        var days = new Option<double?>("--expires-days") { Description = "Valid for this many days" };
        var create = new Command("create", "Create a claim credential for installers (the secret is shown once)") { tenant, branch, maxUses, days };
        ClaimBundleOptions.AddTo(create);
        create.Handle(async (p, c, ct) =>
        {
            var bundle = ClaimBundleOptions.Read(p);
            DateTimeOffset? expires = p.GetValue(days) is { } d ? TimeProvider.System.GetUtcNow().AddDays(d) : null;
            var claim = await c.Actions().CreateClaimAsync(CommandRunner.As(p.GetValue(tenant)), new ClaimBody(p.GetValue(branch), p.GetValue(maxUses), expires), ct);
            Console.WriteLine($"claim id:  {claim.ClaimId}");
            Console.WriteLine($"username:  {claim.Username}");
            Console.WriteLine($"password:  {claim.Secret}");
            Console.WriteLine($"max uses:  {claim.MaxUses?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"}");
            Console.WriteLine($"expires:   {claim.ExpiresAt?.ToString("u", CultureInfo.InvariantCulture) ?? "never"}");
            if (bundle is { } b)
            {
                Admin.ClaimBundle.Write(b.Path, claim, b.Broker, b.CaPem);
                Console.WriteLine($"bundle:    {b.Path} ({(b.CaPem is null ? "no CA: plain MQTT" : "TLS, CA pinned")})");
            }
            return ExitCodes.Ok;
        });
        return new Command("claims", "Claim credentials") { create };
    }
}
