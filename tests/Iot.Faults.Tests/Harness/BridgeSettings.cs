namespace Iot.Faults.Tests.Harness;

/// <summary>How one bridge process is started. <see cref="Extra"/> entries become <c>--Key=value</c> arguments and win.</summary>
/// <param name="External">True: connect to the broker on <paramref name="BrokerPort"/>; false: serve the embedded broker there.</param>
public sealed record BridgeSettings(string ConnectionString, string StorageRoot, int BrokerPort, bool External)
{
    public string InstanceId { get; init; } = "bridge-1";

    /// <summary>Where the process log goes (appended across restarts).</summary>
    public string LogPath { get; init; } = Path.Combine(Path.GetTempPath(), $"iot-bridge-{Guid.NewGuid():n}.log");

    public IReadOnlyList<string> SeedDevices { get; init; } = [];

    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
}
