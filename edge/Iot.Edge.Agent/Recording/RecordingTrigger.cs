namespace Iot.Edge.Agent.Recording;

public enum RecordingTrigger
{
    /// <summary>Record during the configured working hours (points of sale).</summary>
    Schedule,

    /// <summary>Record from a queue system's call to its end, per transaction id (customs and service desks).</summary>
    Visits,

    /// <summary>Record whenever permissions allow; for tests and special installations.</summary>
    Always,
}
