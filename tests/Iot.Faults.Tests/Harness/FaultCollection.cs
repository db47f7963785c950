namespace Iot.Faults.Tests.Harness;

/// <summary>
/// Fault tests run one at a time: each starts a PostgreSQL cluster, a broker, a bridge and several agents, which is
/// all two cores can take, and their timing-based faults need the machine not to be busy with another test.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultCollection
{
    public const string Name = "faults";
}
