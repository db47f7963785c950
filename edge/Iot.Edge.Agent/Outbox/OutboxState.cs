namespace Iot.Edge.Agent.Outbox;

public enum OutboxState
{
    /// <summary>Sealed and waiting for (or awaiting) the cloud's ack.</summary>
    Pending,

    /// <summary>The cloud refused it for good; kept on disk for a technician, never resent automatically.</summary>
    Quarantined,
}
