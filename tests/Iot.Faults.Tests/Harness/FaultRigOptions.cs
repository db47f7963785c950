namespace Iot.Faults.Tests.Harness;

public enum BrokerKind
{
    /// <summary>Mosquitto with persistence on a free port; the bridge connects as an external client.</summary>
    Mosquitto,

    /// <summary>The bridge's own MQTTnet broker: restarting the bridge restarts the broker.</summary>
    Embedded,
}

/// <summary>What <see cref="FaultRig.StartAsync"/> builds.</summary>
public sealed record FaultRigOptions
{
    public int Devices { get; init; } = 2;

    public BrokerKind Broker { get; init; } = BrokerKind.Mosquitto;

    public int ChunkSeconds { get; init; } = 1;

    /// <summary>Length of the speech each agent plays in a loop (real time).</summary>
    public double SpeechSeconds { get; init; } = 12;

    /// <summary>False: the rig starts without agents; add them with <see cref="FaultRig.StartAgent"/>.</summary>
    public bool StartAgents { get; init; } = true;

    /// <summary>Applied to each agent's default settings (e.g. to point it at a proxy port instead of the broker).</summary>
    public Func<AgentSettings, AgentSettings>? ConfigureAgent { get; init; }

    public Func<BridgeSettings, BridgeSettings>? ConfigureBridge { get; init; }

    /// <summary>Where the bridge keeps audio when not in its Storage:Root (a bucket): the drain's ledger checks it there.</summary>
    public Iot.Cloud.Storage.IAudioStore? AudioStore { get; init; }
}
