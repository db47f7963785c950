using System.CommandLine;
using System.Net;
using Iot.Provisioning.Admin;

namespace Iot.Provisioning.Cli.Commands;

/// <summary><c>claims create --bundle</c>: writes the file the installer copies to the device, CA included.</summary>
internal static class ClaimBundleOptions
{
    public static readonly Option<FileInfo?> Bundle = new("--bundle") { Description = "Also write the device's claim file here (0600; holds the secret)" };

    public static readonly Option<string?> DeviceBroker = new("--device-broker")
    {
        Description = "host:port devices use for the broker (TLS, normally 8883); the host must be on the broker's certificate",
    };

    public static readonly Option<FileInfo?> Ca = new("--ca")
    {
        Description = "PEM CA the broker's certificate chains to (the bridge's own: {Storage:Root}/tls/ca.crt)",
    };

    public static readonly Option<bool> AllowPlaintext = new("--allow-plaintext")
    {
        Description = "Bundle without a CA (the device then needs Mqtt:AllowPlaintext=true unless the broker is on loopback)",
    };

    public static void AddTo(Command command)
    {
        command.Options.Add(Bundle);
        command.Options.Add(DeviceBroker);
        command.Options.Add(Ca);
        command.Options.Add(AllowPlaintext);
    }

    /// <summary>Checked before the claim is minted, so a usage error leaves no unused claim behind.</summary>
    public static (string Path, string Broker, string? CaPem)? Read(ParseResult parse)
    {
        var bundle = parse.GetValue(Bundle);
        var broker = parse.GetValue(DeviceBroker);
        var ca = parse.GetValue(Ca);
        var plaintext = parse.GetValue(AllowPlaintext);
        if (bundle is null)
        {
            return broker is not null || ca is not null || plaintext
                ? throw new CliFailure("--device-broker, --ca and --allow-plaintext belong to --bundle", ExitCodes.Usage)
                : null;
        }

        if (string.IsNullOrWhiteSpace(broker) || !IsHostPort(broker))
        {
            throw new CliFailure($"--device-broker: '{broker}' must be host:port (the address devices use, e.g. bridge.example.com:8883)", ExitCodes.Usage);
        }

        if (ca is null)
        {
            return plaintext
                ? (bundle.FullName, broker, null)
                : throw new CliFailure("--ca: a bundle needs the broker's CA so the device can use TLS (or say --allow-plaintext)", ExitCodes.Usage);
        }

        try
        {
            return (bundle.FullName, broker, ClaimBundle.ReadCa(ca.FullName));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or System.Security.Cryptography.CryptographicException)
        {
            throw new CliFailure($"--ca: {ex.Message}", ExitCodes.Usage);
        }
    }

    private static bool IsHostPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && !value.EndsWith(']')
            && int.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is >= 1 and <= 65535
            && (Uri.CheckHostName(value[..colon].Trim('[', ']')) != UriHostNameType.Unknown || IPAddress.TryParse(value[..colon].Trim('[', ']'), out _));
    }
}
