using System.CommandLine;
using System.Globalization;
using Iot.Provisioning.Api;

namespace Iot.Provisioning.Cli;

internal static class GlobalOptions
{
    /// <summary>Where a bridge on this box writes its minted token when no caller is configured (its default Storage:Root).</summary>
    public const string LocalTokenFile = "/var/lib/iot-bridge/provisioning-api.token";

    public static readonly Option<string?> Api = new("--api")
    {
        Description = "The bridge's operator API (default: IOT_PROVISIONING_API or http://127.0.0.1:9471/)",
        Recursive = true,
    };

    public static readonly Option<string?> TokenFile = new("--token-file")
    {
        Description = $"File holding this caller's API token (default: IOT_PROVISIONING_TOKEN holds the token itself, else {LocalTokenFile} if it exists)",
        Recursive = true,
    };

    public static readonly Option<string?> Broker = new("--broker")
    {
        Description = "MQTT broker host:port for fleet status (default: IOT_BROKER or 127.0.0.1:1883)",
        Recursive = true,
    };

    public static readonly Option<string?> MqttUser = new("--mqtt-user") { Description = "MQTT username for fleet status (default svc.provisioning)", Recursive = true };

    public static readonly Option<string?> MqttPassword = new("--mqtt-password") { Description = "MQTT password (default: IOT_MQTT_PASSWORD)", Recursive = true };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Api);
        root.Options.Add(TokenFile);
        root.Options.Add(Broker);
        root.Options.Add(MqttUser);
        root.Options.Add(MqttPassword);
    }
}

/// <summary>What a command needs, opened lazily so that usage errors never touch the network.</summary>
internal sealed class CliContext : IAsyncDisposable
{
    private readonly ParseResult _parse;
    private CliConnection? _broker;
    private HttpClient? _http;
    private IProvisioningActions? _actions;

    public CliContext(ParseResult parse) => _parse = parse;

    public CliConnection Broker => _broker ??= CreateBroker();

    /// <summary>
    /// Operator actions go to the bridge's API, which owns them (its MQTT session publishes, its broker session control
    /// kicks revoked devices, its sealing applies): iotctl behaves exactly like the dashboard.
    /// </summary>
    public IProvisioningActions Actions() => _actions ??= CreateActions();

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }

        _http?.Dispose();
    }

    private HttpProvisioningActions CreateActions()
    {
        var value = _parse.GetValue(GlobalOptions.Api) ?? Environment.GetEnvironmentVariable("IOT_PROVISIONING_API") ?? "http://127.0.0.1:9471/";
        if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new CliFailure($"--api: '{value}' is not an http(s) URL", ExitCodes.Usage);
        }

        string? token = null;
        var file = _parse.GetValue(GlobalOptions.TokenFile);
        if (file is null)
        {
            token = Environment.GetEnvironmentVariable("IOT_PROVISIONING_TOKEN");
            file = string.IsNullOrEmpty(token) && File.Exists(GlobalOptions.LocalTokenFile) ? GlobalOptions.LocalTokenFile : null;
        }
        else if (!File.Exists(file))
        {
            throw new CliFailure($"--token-file: {file} does not exist", ExitCodes.Usage);
        }

        if (string.IsNullOrEmpty(token) && file is null)
        {
            throw new CliFailure("no API token given (pass --token-file or set IOT_PROVISIONING_TOKEN)", ExitCodes.Usage);
        }

        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return new HttpProvisioningActions(_http, new ProvisioningApiEndpoint(url, string.IsNullOrEmpty(token) ? null : token, file));
    }

    private CliConnection CreateBroker()
    {
        var value = _parse.GetValue(GlobalOptions.Broker) ?? Environment.GetEnvironmentVariable("IOT_BROKER") ?? "127.0.0.1:1883";
        var colon = value.LastIndexOf(':');
        var host = colon > 0 ? value[..colon] : value;
        var port = 1883;
        if (colon > 0 && (!int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new CliFailure($"--broker: '{value}' is not host:port", ExitCodes.Usage);
        }

        return new CliConnection(host, port, _parse.GetValue(GlobalOptions.MqttUser), _parse.GetValue(GlobalOptions.MqttPassword) ?? Environment.GetEnvironmentVariable("IOT_MQTT_PASSWORD"));
    }
}
