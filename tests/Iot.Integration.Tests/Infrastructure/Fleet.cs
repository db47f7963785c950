using Iot.TestSupport;

namespace Iot.Integration.Tests.Infrastructure;

/// <summary>Several simulated devices speaking real speech, each with its own spool.</summary>
public sealed class Fleet : IAsyncDisposable
{
    private Fleet(List<AgentNode> agents) => Agents = agents;

    public IReadOnlyList<AgentNode> Agents { get; }

    public static string[] DeviceIds(int count) => Enumerable.Range(1, count).Select(i => $"pos-{i}").ToArray();

    public static async Task<Fleet> StartAsync(TempDirectory dir, int devices, double secondsEach, int brokerPort, Func<AgentSettings, AgentSettings>? tune = null)
    {
        var agents = new List<AgentNode>();
        foreach (var (device, index) in DeviceIds(devices).Select((d, i) => (d, i)))
        {
            var wav = await SpeechAudio.WavAsync(secondsEach, variant: (index % 3) + 1);
            var settings = new AgentSettings("acme", device, dir.Sub("spool-" + device), wav, brokerPort);
            agents.Add(await AgentNode.StartAsync(tune is null ? settings : tune(settings)));
        }

        return new Fleet(agents);
    }

    public static IReadOnlyList<string> SeedDevices(int count) => DeviceIds(count).Select(d => "acme/" + d).ToList();

    public Task RecordingFinishedAsync() => Task.WhenAll(Agents.Select(a => a.Recorder.SourceFinished.Task)).WaitAsync(TimeSpan.FromMinutes(2));

    public bool OutboxesEmpty() => Agents.All(a => a.Outbox.GetStats() is { Pending: 0, Quarantined: 0 });

    public IReadOnlyDictionary<string, long> RecordedPerDevice() => Agents.ToDictionary(a => a.DeviceId!, a => a.Recorder.ChunksSealed);

    public string Describe() => string.Join(", ", Agents.Select(a =>
    {
        var stats = a.Outbox.GetStats();
        var quarantined = a.Outbox.Quarantined().Select(e => $"#{e.Sequence} {e.LastError}");
        return $"{a.DeviceId}: sealed {a.Recorder.ChunksSealed}, pending {stats.Pending}, quarantined {stats.Quarantined} [{string.Join("; ", quarantined)}], acked {a.Uplink.Acked}, connected {a.Uplink.IsConnected}";
    }));

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in Agents)
        {
            await agent.DisposeAsync();
        }
    }
}
