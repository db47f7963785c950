using System.Collections.Concurrent;
using System.Diagnostics;

namespace Iot.Bench.Storm;

/// <summary>What the simulated fleet saw, counted across every device of one topology's storm.</summary>
internal sealed class StormStats(TimeSpan ackTimeout, int devices)
{
    private readonly ConcurrentBag<double> _ackLatencies = [];
    private readonly ConcurrentBag<double> _connectLatencies = [];
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _connects;
    private long _connectFailures;
    private long _ackTimeouts;
    private long _resent;
    private long _sessionLostResends;
    private long _publishFailures;
    private long _publishRefused;
    private long _duplicateAcks;
    private long _lateAcks;
    private long _acked;
    private long _rejected;
    private long _firstSends;
    private long _lastAck;
    private long _firstConnects;
    private long _allConnected;

    public TimeSpan AckTimeout => ackTimeout;

    public long Connects => Interlocked.Read(ref _connects);

    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    public long AckTimeouts => Interlocked.Read(ref _ackTimeouts);

    public long Resent => Interlocked.Read(ref _resent);

    public long SessionLostResends => Interlocked.Read(ref _sessionLostResends);

    public long PublishFailures => Interlocked.Read(ref _publishFailures);

    public long PublishRefused => Interlocked.Read(ref _publishRefused);

    public long DuplicateAcks => Interlocked.Read(ref _duplicateAcks);

    public long LateAcks => Interlocked.Read(ref _lateAcks);

    public long Acked => Interlocked.Read(ref _acked);

    public long Rejected => Interlocked.Read(ref _rejected);

    public long FirstSends => Interlocked.Read(ref _firstSends);

    /// <summary>From the first connect attempt to the last ack.</summary>
    public TimeSpan DrainTime => TimeSpan.FromSeconds((Interlocked.Read(ref _lastAck) - _started) / (double)Stopwatch.Frequency);

    public double[] AckLatenciesMs => [.. _ackLatencies];

    public double[] ConnectLatenciesMs => [.. _connectLatencies];

    public IReadOnlyDictionary<string, int> Errors => _errors;

    /// <summary>From the first connect attempt until every device had connected once; null if some never did.</summary>
    public TimeSpan? AllConnectedAfter => Interlocked.Read(ref _allConnected) is var at and > 0
        ? TimeSpan.FromSeconds((at - _started) / (double)Stopwatch.Frequency)
        : null;

    public void OnConnected(TimeSpan took, bool first)
    {
        Interlocked.Increment(ref _connects);
        if (first && Interlocked.Increment(ref _firstConnects) == devices)
        {
            Interlocked.Exchange(ref _allConnected, Stopwatch.GetTimestamp());
        }

        _connectLatencies.Add(took.TotalMilliseconds);
    }

    public void OnConnectFailed() => Interlocked.Increment(ref _connectFailures);

    public void OnConnectError(string error) => Count(error);

    public void OnSessionLostResends(int count) => Interlocked.Add(ref _sessionLostResends, count);

    public void OnAckTimeouts(int count) => Interlocked.Add(ref _ackTimeouts, count);

    public void OnFirstSend(Guid id) => Interlocked.Increment(ref _firstSends);

    public void OnResent() => Interlocked.Increment(ref _resent);

    public void OnPublishFailed() => Interlocked.Increment(ref _publishFailures);

    public void OnPublishRefused(string code)
    {
        Interlocked.Increment(ref _publishRefused);
        Count("publish refused: " + code);
    }

    public void OnDuplicateAck() => Interlocked.Increment(ref _duplicateAcks);

    public void OnRejected(string reason)
    {
        Interlocked.Increment(ref _rejected);
        Count("rejected: " + reason);
    }

    public void OnAcked(Guid id, TimeSpan? sinceFirstSend)
    {
        Interlocked.Increment(ref _acked);
        Interlocked.Exchange(ref _lastAck, Stopwatch.GetTimestamp());
        if (sinceFirstSend is { } latency)
        {
            _ackLatencies.Add(latency.TotalMilliseconds);
        }
        else
        {
            Interlocked.Increment(ref _lateAcks);
        }
    }

    private void Count(string error)
    {
        // Distinct messages only, bounded: 2,000 devices failing the same way must not print 2,000 lines.
        if (_errors.Count < 20 || _errors.ContainsKey(error))
        {
            _errors.AddOrUpdate(error, 1, (_, n) => n + 1);
        }
    }
}
