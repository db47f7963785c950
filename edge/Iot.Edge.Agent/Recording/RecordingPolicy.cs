namespace Iot.Edge.Agent.Recording;

/// <summary>Recording options with their parsed schedule; replaced as a whole when the cloud pushes new ones.</summary>
public sealed record RecordingPolicy(RecordingOptions Options, WeeklySchedule Schedule)
{
    public static RecordingPolicy From(RecordingOptions options) =>
        new(options, WeeklySchedule.Parse(options.EffectiveSchedule, WeeklySchedule.FindZone(options.TimeZone)));
}
