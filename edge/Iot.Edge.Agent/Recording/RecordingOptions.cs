namespace Iot.Edge.Agent.Recording;

/// <summary>Section <c>Recording</c>: when the agent may record. Pushed by the cloud later; the last known copy is cached on disk.</summary>
public sealed class RecordingOptions
{
    public const string Section = "Recording";

    public RecordingTrigger Trigger { get; set; } = RecordingTrigger.Schedule;

    /// <summary>IANA zone of the store (e.g. Europe/Istanbul); schedules are in its local time, DST included.</summary>
    public string TimeZone { get; set; } = "Etc/UTC";

    /// <summary>Used when <see cref="Schedule"/> is empty.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultSchedule = new Dictionary<string, string> { ["Mon-Sun"] = "08:00-22:00" };

    /// <summary>
    /// Day keys ("Mon", "Mon-Fri", "Sat,Sun") to windows ("08:00-22:00", "08:00-12:00,13:00-18:00", "closed"); days not
    /// named are closed. Empty means <see cref="DefaultSchedule"/>. (No default entries here: configuration binding
    /// would merge them into a configured schedule and silently open days the store meant to keep closed.)
    /// </summary>
    public Dictionary<string, string> Schedule { get; set; } = [];

    public IReadOnlyDictionary<string, string> EffectiveSchedule => Schedule.Count == 0 ? DefaultSchedule : Schedule;

    public bool BranchEnabled { get; set; } = true;

    /// <summary>Desk users allowed to be recorded; empty means any user.</summary>
    public List<string> EnabledUsers { get; set; } = [];

    /// <summary>Refuse to record while nobody is logged in at the desk.</summary>
    public bool RequireDeskUser { get; set; }
}
