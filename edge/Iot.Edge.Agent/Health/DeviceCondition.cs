namespace Iot.Edge.Agent.Health;

/// <summary>What a technician needs to know about the device, most urgent first (the declaration order is the priority).</summary>
public enum DeviceCondition
{
    /// <summary>A fault needs hands: outbox unreadable, spool disk full, or a fault raised by a component.</summary>
    Error,

    /// <summary>Just started and not connected yet; hides the problems every start-up passes through.</summary>
    Booting,

    MicMissing,

    /// <summary>No broker connection while chunks wait in the outbox; nothing is lost, but nothing leaves.</summary>
    OfflineWithBacklog,

    WaitingForProvisioning,

    Recording,

    /// <summary>Not recording: outside the schedule, or a finite source has ended.</summary>
    Idle,
}
