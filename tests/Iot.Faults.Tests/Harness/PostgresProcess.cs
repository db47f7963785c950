using System.Globalization;
using Iot.TestSupport;
using Npgsql;

namespace Iot.Faults.Tests.Harness;

/// <summary>
/// A throwaway PostgreSQL cluster of this test alone (cloud/scripts/postgres.sh) on a free private port, so stopping
/// it hurts nobody else. The bridge applies the migrations itself when it starts on the database.
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "cloud", "scripts", "postgres.sh");
    private readonly TempDirectory _dir = new("iot-faults-pg");

    private PostgresProcess(int port) => Port = port;

    public int Port { get; }

    public string DataDirectory => _dir.Sub("data");

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=5";

    public bool IsRunning { get; private set; }

    public static async Task<PostgresProcess> StartAsync()
    {
        var pg = new PostgresProcess(FreePort.Next());
        await pg.StartAgainAsync();
        return pg;
    }

    /// <summary>Starts the cluster again on the same directory and port after <see cref="StopAsync"/>.</summary>
    public async Task StartAgainAsync()
    {
        await RunAsync($"iot_pg_start {Quote(DataDirectory)} {Port.ToString(CultureInfo.InvariantCulture)}");
        IsRunning = true;
    }

    /// <summary>Fast shutdown (<c>pg_ctl -m fast</c>): open sessions are cut, committed data stays.</summary>
    public async Task StopAsync()
    {
        await RunAsync($"iot_pg_stop {Quote(DataDirectory)}");
        IsRunning = false;
    }

    /// <summary>An empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name = "iot_faults")
    {
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _dir.Dispose();
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task RunAsync(string command)
    {
        var result = await ExternalTool.RunAsync("bash", ["-c", $"source {Quote(Script)} && {command}"], TimeSpan.FromSeconds(90));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command}' failed ({result.ExitCode}): {result.StdErr}{result.StdOut}");
        }
    }
}
