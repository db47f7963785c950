using System.CommandLine;
using System.Globalization;
using Iot.Provisioning.Admin;
using Iot.Provisioning.Messaging;
using Iot.Provisioning.Security;
using Iot.Provisioning.Storage;
using Npgsql;

namespace Iot.Provisioning.Cli;

internal static class GlobalOptions
{
    public static readonly Option<string?> Database = new("--database")
    {
        Description = "PostgreSQL connection string or postgres:// URL (default: DATABASE_URL)",
        Recursive = true,
    };

    public static readonly Option<string?> Broker = new("--broker")
    {
        Description = "MQTT broker host:port (default: IOT_BROKER or 127.0.0.1:1883)",
        Recursive = true,
    };

    public static readonly Option<string?> MqttUser = new("--mqtt-user") { Description = "MQTT username (default svc.provisioning)", Recursive = true };

    public static readonly Option<string?> MqttPassword = new("--mqtt-password") { Description = "MQTT password (default: IOT_MQTT_PASSWORD)", Recursive = true };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Database);
        root.Options.Add(Broker);
        root.Options.Add(MqttUser);
        root.Options.Add(MqttPassword);
    }
}

/// <summary>What a command needs, opened lazily so that usage errors never touch the network.</summary>
internal sealed class CliContext : IAsyncDisposable
{
    private readonly ParseResult _parse;
    private NpgsqlDataSource? _dataSource;
    private CliConnection? _broker;

    public CliContext(ParseResult parse) => _parse = parse;

    public CliConnection Broker => _broker ??= CreateBroker();

    // Secrets minted here keep only their hashes: a Mosquitto dynsec deployment mints through the bridge instead.
    public ProvisioningAdmin Admin() => new(new ProvisioningStore(DataSource()), Broker, new NoSessionControl(), new NoSecretSealing(), TimeProvider.System);

    public NpgsqlDataSource DataSource()
    {
        if (_dataSource is null)
        {
            var value = _parse.GetValue(GlobalOptions.Database) ?? Environment.GetEnvironmentVariable("DATABASE_URL");
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new CliFailure("--database: no database given (pass --database or set DATABASE_URL)", ExitCodes.Usage);
            }

            _dataSource = NpgsqlDataSource.Create(DatabaseUrl.ToConnectionString(value));
        }

        return _dataSource;
    }

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
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
