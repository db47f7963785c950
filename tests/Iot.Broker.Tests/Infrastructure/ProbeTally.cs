namespace Iot.Broker.Tests.Infrastructure;

/// <summary>Counts forbidden attempts and remembers any that got through, so a failure names every hole at once.</summary>
public sealed class ProbeTally(string broker)
{
    private readonly List<string> _holes = [];
    private readonly List<string> _deniedPublishTopics = [];

    public int Tried { get; private set; }

    public int Refused { get; private set; }

    public IReadOnlyList<string> Holes => _holes;

    /// <summary>Topics of refused publishes: a watcher must never see a message on them carrying the probe's marker.</summary>
    public IReadOnlyList<string> DeniedPublishTopics => _deniedPublishTopics;

    public void Record(string attempt, bool refused, string outcome)
    {
        Tried++;
        if (refused)
        {
            Refused++;
        }
        else
        {
            _holes.Add($"{attempt} -> {outcome}");
        }
    }

    public void RecordPublish(string attempt, string topic, bool refused, string outcome)
    {
        _deniedPublishTopics.Add(topic);
        Record(attempt, refused, outcome);
    }

    public void AssertAllRefused()
    {
        Console.WriteLine($"{broker}: tried {Tried}, refused {Refused}");
        Assert.True(Tried > 0, "no probe ran");
        Assert.True(Holes.Count == 0, $"{broker}: {Holes.Count} forbidden attempt(s) succeeded:\n  " + string.Join("\n  ", Holes));
        Assert.Equal(Tried, Refused);
    }
}
