using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using MQTTnet;

namespace Iot.Bench;

/// <summary>
/// Drives N publishers, each with a window of messages outstanding end to end (until the matching receipt), and
/// measures completions per second and publish→receipt latency. The same driver measures raw broker delivery and
/// bridge acks, so the two numbers are comparable.
/// </summary>
internal sealed class LoadRun
{
    private readonly ConcurrentDictionary<Guid, long> _started = new();
    private readonly ConcurrentBag<double> _latencies = [];
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SemaphoreSlim[] _windows = [];
    private ConcurrentDictionary<Guid, int> _owner = new();
    private int _completed;
    private int _expected;

    public void Complete(Guid key)
    {
        if (!_started.TryRemove(key, out var start))
        {
            return;
        }

        _latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        if (_owner.TryRemove(key, out var publisher))
        {
            _windows[publisher].Release();
        }

        if (Interlocked.Increment(ref _completed) == _expected)
        {
            _done.TrySetResult();
        }
    }

    /// <summary>Saturating run: every publisher keeps <paramref name="window"/> messages outstanding.</summary>
    public async Task<RunResult> SaturateAsync(IReadOnlyList<IMqttClient> publishers, IReadOnlyList<(int Publisher, Guid Key, MqttApplicationMessage Message)> messages, int window)
    {
        Reset(publishers.Count, messages.Count, window);
        var clock = Stopwatch.StartNew();
        var sends = publishers.Select((client, p) => Task.Run(async () =>
        {
            var inflight = new List<Task>();
            foreach (var m in messages.Where(m => m.Publisher == p))
            {
                await _windows[p].WaitAsync();
                _owner[m.Key] = p;
                _started[m.Key] = Stopwatch.GetTimestamp();
                inflight.Add(client.PublishAsync(m.Message));
            }

            await Task.WhenAll(inflight);
        })).ToArray();
        await Task.WhenAll(sends);
        await _done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        return new RunResult(messages.Count, clock.Elapsed, [.. _latencies]);
    }

    /// <summary>Paced run: messages leave at a fixed rate regardless of receipts, as a fleet's uploads would.</summary>
    public async Task<RunResult> PaceAsync(IReadOnlyList<IMqttClient> publishers, IReadOnlyList<(int Publisher, Guid Key, MqttApplicationMessage Message)> messages, double perSecond)
    {
        Reset(publishers.Count, messages.Count, int.MaxValue / 2);
        var clock = Stopwatch.StartNew();
        var inflight = new List<Task>();
        for (var i = 0; i < messages.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var m = messages[i];
            _started[m.Key] = Stopwatch.GetTimestamp();
            inflight.Add(publishers[m.Publisher].PublishAsync(m.Message));
        }

        await Task.WhenAll(inflight);
        await _done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        return new RunResult(messages.Count, clock.Elapsed, [.. _latencies]);
    }

    private void Reset(int publishers, int expected, int window)
    {
        _windows = Enumerable.Range(0, publishers).Select(_ => new SemaphoreSlim(window)).ToArray();
        _owner = new ConcurrentDictionary<Guid, int>();
        _started.Clear();
        _latencies.Clear();
        _completed = 0;
        _expected = expected;
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

internal sealed record RunResult(int Messages, TimeSpan Elapsed, double[] LatenciesMs)
{
    public double PerSecond => Messages / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        var sorted = LatenciesMs.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
