using System.CommandLine;
using System.Globalization;
using System.Text;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;

namespace Iot.Provisioning.Cli.Commands;

internal static class ConfigCommands
{
    public const string Keys = "chunkSeconds, bitrateBps, vadEngine, spoolMaxAgeDays, spoolMaxSizeGb, logLevel, spokenLanguages (e.g. ru,tr; empty = branch's), recording.trigger, recording.upload, recording.timeZone";

    public static Command Build()
    {
        var device = new Argument<string>("device") { Description = "Device id" };
        var settings = new Argument<string[]>("settings") { Description = "key=value pairs: " + Keys, Arity = ArgumentArity.OneOrMore };
        var set = new Command("set", "Publish the next desired configuration version (unchanged keys are kept)") { device, settings };
        set.Handle(async (p, c, ct) =>
        {
            var actions = c.Actions();
            var who = CommandRunner.As(null);
            var current = (await actions.ConfigAsync(who, p.GetValue(device)!, ct)).Desired
                          ?? new DeviceConfigDocument { Version = 0, IssuedAtUtc = DateTimeOffset.UnixEpoch };
            var next = p.GetValue(settings)!.Aggregate(current, Apply);
            var stored = await actions.SetConfigAsync(who, p.GetValue(device)!, next, ct);
            Console.WriteLine($"config version {stored.Version} published for {p.GetValue(device)}");
            return ExitCodes.Ok;
        });

        var get = new Command("get", "Show desired and reported configuration") { device };
        get.Handle(async (p, c, ct) =>
        {
            var state = await c.Actions().ConfigAsync(CommandRunner.As(null), p.GetValue(device)!, ct);
            Console.WriteLine(state.Desired is null ? "no desired configuration" : Encoding.UTF8.GetString(ProtocolJson.Serialize(state.Desired)));
            Console.WriteLine($"reported version: {state.ReportedVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"}{(state.ReportedError is null ? "" : " error: " + state.ReportedError)}");
            return ExitCodes.Ok;
        });
        return new Command("config", "Desired device configuration") { set, get };
    }

    private static DeviceConfigDocument Apply(DeviceConfigDocument doc, string pair)
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new CliFailure($"setting '{pair}' is not key=value", ExitCodes.Usage);
        }

        var (key, value) = (pair[..eq], pair[(eq + 1)..]);
        var recording = doc.Recording ?? new RecordingConfig();
        return key switch
        {
            "chunkSeconds" => doc with { ChunkSeconds = Int(key, value) },
            "bitrateBps" => doc with { BitrateBps = Int(key, value) },
            "vadEngine" => doc with { VadEngine = value },
            "spoolMaxAgeDays" => doc with { SpoolMaxAgeDays = Double(key, value) },
            "spoolMaxSizeGb" => doc with { SpoolMaxSizeGb = Double(key, value) },
            "logLevel" => doc with { LogLevel = value },
            "spokenLanguages" => doc with { SpokenLanguages = SpokenLanguageCodes.Normalise([value]) ?? [] },
            "recording.trigger" => doc with { Recording = recording with { Trigger = value } },
            "recording.upload" => doc with { Recording = recording with { Upload = value } },
            "recording.timeZone" => doc with { Recording = recording with { TimeZone = value } },
            _ => throw new CliFailure($"unknown setting '{key}'; known: {Keys}", ExitCodes.Usage),
        };
    }

    private static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new CliFailure($"{key}: '{value}' is not a whole number", ExitCodes.Usage);

    private static double Double(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new CliFailure($"{key}: '{value}' is not a number", ExitCodes.Usage);
}
