using System.Collections.Concurrent;

namespace Iot.Edge.Agent.Health;

/// <summary>
/// Health inputs that have no status class of their own yet: provisioning, the VAD engine's name and faults raised by
/// any component. Set by the code that knows; read by the status LED and the health endpoint.
/// </summary>
public sealed class AgentConditions
{
    public const string NoVad = "none";

    private readonly ConcurrentDictionary<string, string> _faults = new(StringComparer.Ordinal);
    private volatile bool _awaitingProvisioning;
    private volatile string _vadEngine = NoVad;

    public bool AwaitingProvisioning
    {
        get => _awaitingProvisioning;
        set => _awaitingProvisioning = value;
    }

    public string VadEngine
    {
        get => _vadEngine;
        set => _vadEngine = string.IsNullOrWhiteSpace(value) ? NoVad : value;
    }

    /// <summary>Marks the device in error until <see cref="ClearFault"/> with the same source; a newer message replaces the old.</summary>
    public void RaiseFault(string source, string message) => _faults[source] = message;

    public void ClearFault(string source) => _faults.TryRemove(source, out _);

    /// <summary>"source: message" lines, sorted so repeated reads compare equal.</summary>
    public IReadOnlyList<string> Faults() => _faults.Select(f => $"{f.Key}: {f.Value}").Order(StringComparer.Ordinal).ToList();
}
