using System.Diagnostics;
using Iot.TestSupport;

namespace Iot.Faults.Tests.Harness;

/// <summary>
/// A whole system of real processes: a private PostgreSQL cluster, a broker (Mosquitto with persistence, or the
/// bridge's embedded one), one bridge and N agents playing real-time speech. Tests break parts of it, then
/// <see cref="DrainAndVerifyAsync"/> checks that every recorded chunk is stored exactly once.
/// </summary>
public sealed class FaultRig : IAsyncDisposable
{
    private readonly List<AgentProcess> _agents = [];
    private int _nextDevice = 1;

    private FaultRig(FaultRigOptions options, TempDirectory dir, PostgresProcess postgres, string connectionString, MosquittoBroker? mosquitto, int brokerPort, string wav)
    {
        Options = options;
        Dir = dir;
        Postgres = postgres;
        ConnectionString = connectionString;
        Mosquitto = mosquitto;
        BrokerPort = brokerPort;
        WavPath = wav;
    }

    public FaultRigOptions Options { get; }

    public TempDirectory Dir { get; }

    public PostgresProcess Postgres { get; }

    public string ConnectionString { get; }

    /// <summary>Null with <see cref="BrokerKind.Embedded"/>.</summary>
    public MosquittoBroker? Mosquitto { get; }

    /// <summary>Where the broker listens (Mosquitto's port, or the embedded broker's).</summary>
    public int BrokerPort { get; }

    public string WavPath { get; }

    public BridgeProcess Bridge { get; private set; } = null!;

    public IReadOnlyList<AgentProcess> Agents => _agents;

    public ChunkTable Chunks => new(ConnectionString);

    public static async Task<FaultRig> StartAsync(FaultRigOptions? options = null)
    {
        options ??= new FaultRigOptions();
        var dir = new TempDirectory("iot-faults");
        PostgresProcess? postgres = null;
        MosquittoBroker? mosquitto = null;
        try
        {
            var wav = await SpeechAudio.WavAsync(options.SpeechSeconds);
            postgres = await PostgresProcess.StartAsync();
            var db = await postgres.CreateDatabaseAsync();
            int port;
            if (options.Broker == BrokerKind.Mosquitto)
            {
                mosquitto = await MosquittoBroker.StartAsync();
                port = mosquitto.Port;
            }
            else
            {
                port = FreePort.Next();
            }

            var rig = new FaultRig(options, dir, postgres, db, mosquitto, port, wav);
            var seeds = Enumerable.Range(1, options.Devices).Select(i => $"acme/{DeviceName(i)}").ToList();
            var bridge = new BridgeSettings(db, dir.Sub("store"), port, options.Broker == BrokerKind.Mosquitto)
            {
                SeedDevices = seeds,
                LogPath = dir.Sub("bridge.log"),
            };
            rig.Bridge = await BridgeProcess.StartAsync(options.ConfigureBridge?.Invoke(bridge) ?? bridge);
            if (options.StartAgents)
            {
                for (var i = 0; i < options.Devices; i++)
                {
                    rig.StartAgent();
                }
            }

            return rig;
        }
        catch
        {
            if (mosquitto is not null)
            {
                await mosquitto.DisposeAsync();
            }

            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            dir.Dispose();
            throw;
        }
    }

    public static string DeviceName(int i) => $"pos-{i}";

    /// <summary>Default settings of the next device (pos-1, pos-2, ...), with <see cref="FaultRigOptions.ConfigureAgent"/> applied.</summary>
    public AgentSettings NextAgentSettings()
    {
        var device = DeviceName(_nextDevice);
        var settings = new AgentSettings(device, Dir.Sub($"spool-{device}"), WavPath, BrokerPort) { ChunkSeconds = Options.ChunkSeconds };
        return Options.ConfigureAgent?.Invoke(settings) ?? settings;
    }

    /// <summary>Starts the next device (its <c>acme/pos-N</c> must be among the bridge's seeded devices).</summary>
    public AgentProcess StartAgent(AgentSettings? settings = null)
    {
        var agent = AgentProcess.Start(settings ?? NextAgentSettings());
        _nextDevice++;
        _agents.Add(agent);
        return agent;
    }

    public async Task<long> RowCountAsync() => await Chunks.CountAsync();

    /// <summary>
    /// Ends the experiment and checks the promise: stops every agent cleanly (the chunk in progress is sealed), reads
    /// each outbox's last sequence, restarts the agents with recording off so they only upload, waits until the
    /// database has every chunk and every outbox is empty, stops them again and compares database, files and outboxes.
    /// </summary>
    public async Task<DrainResult> DrainAndVerifyAsync(TimeSpan timeout)
    {
        foreach (var agent in _agents.Where(a => a.IsRunning))
        {
            await agent.WaitReadyAsync();
            var exit = await agent.TerminateAsync();
            Assert.True(exit == 0, $"agent {agent.Settings.DeviceId} exited {exit} on SIGTERM:\n{agent.Tail()}");
        }

        var recorded = new Dictionary<string, long>();
        foreach (var agent in _agents)
        {
            var reading = agent.ReadOutbox();
            Assert.True(reading.Quarantined == 0 && reading.Dropped == 0, $"{agent.Settings.DeviceId}: {reading}");
            recorded[agent.Settings.DeviceId] = reading.LastSequence;
        }

        var clock = Stopwatch.StartNew();
        foreach (var agent in _agents)
        {
            agent.Restart(s => s with { Record = false });
        }

        await Eventually.WaitAsync(
            async () => await AllStoredAsync(recorded) && await OutboxesEmptyAsync(),
            timeout,
            "every recorded chunk stored and acked",
            async () => $"rows {await RowCountAsync()} of {recorded.Values.Sum()}; bridge running={Bridge.IsRunning}; " + await DescribeAgentsAsync());
        var drain = clock.Elapsed;

        foreach (var agent in _agents)
        {
            await agent.WaitReadyAsync();
            Assert.Equal(0, await agent.TerminateAsync());
            var after = agent.ReadOutbox();
            Assert.True(after.LastSequence == recorded[agent.Settings.DeviceId] && after.Pending == 0 && after.PartialFiles == 0 && after.SealedFiles == 0,
                $"{agent.Settings.DeviceId} after the drain: {after} (recorded {recorded[agent.Settings.DeviceId]})");
        }

        var ledger = Options.AudioStore is { } store
            ? await Ledger.ReadAsync(ConnectionString, store, recorded)
            : await Ledger.ReadAsync(ConnectionString, Bridge.StorageRoot, recorded);
        return new DrainResult(ledger, drain, recorded, _agents.Max(a => a.SlowestStop));
    }

    public async Task<string> DescribeAgentsAsync()
    {
        var parts = new List<string>();
        foreach (var agent in _agents)
        {
            var health = agent.IsRunning ? await agent.HealthAsync() : null;
            parts.Add($"{agent.Settings.DeviceId}: {(agent.IsRunning ? health?.ToString() ?? "no health yet" : $"exited {agent.ExitCode}:\n{agent.Tail(10)}\n")}");
        }

        return string.Join("; ", parts);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        if (Bridge is not null)
        {
            await Bridge.DisposeAsync();
        }

        if (Mosquitto is not null)
        {
            await Mosquitto.DisposeAsync();
        }

        await Postgres.DisposeAsync();
        Dir.Dispose();
    }

    private async Task<bool> AllStoredAsync(Dictionary<string, long> recorded)
    {
        if (!Postgres.IsRunning)
        {
            return false;
        }

        try
        {
            var rows = await Chunks.AllAsync();
            return recorded.All(r => rows.Where(x => x.DeviceId == r.Key).Select(x => x.Sequence).Distinct().Count() >= r.Value);
        }
        catch (Npgsql.NpgsqlException)
        {
            return false;
        }
    }

    private async Task<bool> OutboxesEmptyAsync()
    {
        foreach (var agent in _agents)
        {
            if (await agent.HealthAsync() is not { OutboxDepth: 0 })
            {
                return false;
            }
        }

        return true;
    }
}
