using System.Collections.Concurrent;
using System.Diagnostics;
using Iot.Protocol.Topics;
using MQTTnet;

namespace Iot.Bench;

/// <summary>
/// Drives N publishers, each with a window of messages outstanding end to end (until the matching receipt), and
/// measures completions per second and publish→receipt latency. The same driver measures raw broker delivery and
/// bridge acks, so the two numbers are comparable. Like a device, it sends a message again when its receipt has not
/// come within the ack timeout (<see cref="AckTracker"/>), so one lost message costs a timeout, not the run; and each
/// phase has a deadline, after which it prints what it was still waiting for and fails instead of hanging.
/// </summary>
internal sealed class LoadRun(TimeSpan ackTimeout, TimeSpan deadline, int loseEvery = 0)
{
    private readonly ConcurrentBag<double> _latencies = [];
    private AckTracker _tracker = new(ackTimeout);
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SemaphoreSlim[] _windows = [];
    private Dictionary<Guid, (int Publisher, MqttApplicationMessage Message)> _messages = [];
    private int _completed;
    private int _expected;
    private int _publishFailures;
    private int _firstSends;
    private int _lost;

    public TimeSpan Deadline => deadline;

    /// <summary>Called with the key of each message at its first send (the stage breakdown's publish time).</summary>
    public Action<Guid>? OnFirstSend { get; set; }

    public void Complete(Guid key)
    {
        if (!_tracker.TryAck(key, out _, out var firstSent))
        {
            return; // a duplicate receipt (a resend that crossed the first ack) or a message of another phase
        }

        _latencies.Add(Stopwatch.GetElapsedTime(firstSent).TotalMilliseconds);
        if (_messages.TryGetValue(key, out var m))
        {
            _windows[m.Publisher].Release();
        }

        if (Interlocked.Increment(ref _completed) == _expected)
        {
            _done.TrySetResult();
        }
    }

    /// <summary>Saturating run: every publisher keeps <paramref name="window"/> messages outstanding.</summary>
    public async Task<RunResult> SaturateAsync(string phase, IReadOnlyList<IMqttClient> publishers, IReadOnlyList<(int Publisher, Guid Key, MqttApplicationMessage Message)> messages, int window)
    {
        Reset(publishers.Count, messages, window);
        using var stop = new CancellationTokenSource(deadline);
        var clock = Stopwatch.StartNew();
        var resender = ResendLoopAsync(publishers, stop.Token);
        var sends = publishers.Select((client, p) => Task.Run(async () =>
        {
            var inflight = new List<Task>();
            foreach (var m in messages.Where(m => m.Publisher == p))
            {
                await _windows[p].WaitAsync(stop.Token);
                inflight.Add(SendAsync(client, m.Key, m.Message, first: true, stop.Token));
            }

            await Task.WhenAll(inflight);
        })).ToArray();
        return await FinishAsync(phase, clock, sends, resender, stop);
    }

    /// <summary>Paced run: messages leave at a fixed rate regardless of receipts, as a fleet's uploads would.</summary>
    public async Task<RunResult> PaceAsync(string phase, IReadOnlyList<IMqttClient> publishers, IReadOnlyList<(int Publisher, Guid Key, MqttApplicationMessage Message)> messages, double perSecond)
    {
        Reset(publishers.Count, messages, int.MaxValue / 2);
        using var stop = new CancellationTokenSource(deadline);
        var clock = Stopwatch.StartNew();
        var resender = ResendLoopAsync(publishers, stop.Token);
        var send = Task.Run(async () =>
        {
            var inflight = new List<Task>();
            for (var i = 0; i < messages.Count; i++)
            {
                var wait = TimeSpan.FromSeconds(i / perSecond) - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, stop.Token);
                }

                var m = messages[i];
                inflight.Add(SendAsync(publishers[m.Publisher], m.Key, m.Message, first: true, stop.Token));
            }

            await Task.WhenAll(inflight);
        });
        return await FinishAsync(phase, clock, [send], resender, stop);
    }

    private async Task<RunResult> FinishAsync(string phase, Stopwatch clock, Task[] sends, Task resender, CancellationTokenSource stop)
    {
        var finished = false;
        try
        {
            await Task.WhenAll(sends).WaitAsync(stop.Token);
            await _done.Task.WaitAsync(stop.Token);
            finished = true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await resender;
        var result = new RunResult(_expected, Volatile.Read(ref _completed), elapsed, [.. _latencies], _tracker.Resends, finished, Volatile.Read(ref _lost));
        if (!finished)
        {
            Console.WriteLine($"  {phase}: DEADLINE {deadline.TotalSeconds:0} s reached; {result.Completed}/{result.Messages} acked, " +
                $"{_tracker.Count} still unacked by: {_tracker.Describe()}; {result.Resends} resent, {_publishFailures} publish calls failed");
        }

        return result;
    }

    /// <summary>The agent's pump: look for overdue acks every quarter timeout and send those chunks again.</summary>
    private async Task ResendLoopAsync(IReadOnlyList<IMqttClient> publishers, CancellationToken ct)
    {
        using var tick = new PeriodicTimer(_tracker.CheckInterval);
        try
        {
            while (await tick.WaitForNextTickAsync(ct))
            {
                foreach (var id in _tracker.TakeOverdue(Stopwatch.GetTimestamp()))
                {
                    var (publisher, message) = _messages[id];
                    _ = SendAsync(publishers[publisher], id, message, first: false, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(IMqttClient client, Guid key, MqttApplicationMessage message, bool first, CancellationToken ct)
    {
        if (first)
        {
            _tracker.Sent(key, Owner(message.Topic), Stopwatch.GetTimestamp());
            OnFirstSend?.Invoke(key);
            if (loseEvery > 0 && Interlocked.Increment(ref _firstSends) % loseEvery == 0)
            {
                // --lose N: the first send of every Nth message never leaves, as if the network ate it; only the
                // resend after the ack timeout can complete the phase.
                Interlocked.Increment(ref _lost);
                return;
            }
        }

        try
        {
            await client.PublishAsync(message, ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
        {
            // Counted, not thrown: the chunk stays pending, so the resend loop sends it again after the ack timeout.
            Interlocked.Increment(ref _publishFailures);
        }
    }

    private static string Owner(string topic) => TopicTree.TryParse(topic, out var t) ? t.DeviceId : topic;

    private void Reset(int publishers, IReadOnlyList<(int Publisher, Guid Key, MqttApplicationMessage Message)> messages, int window)
    {
        _windows = Enumerable.Range(0, publishers).Select(_ => new SemaphoreSlim(window)).ToArray();
        _messages = messages.ToDictionary(m => m.Key, m => (m.Publisher, m.Message));
        _tracker = new AckTracker(ackTimeout);
        _latencies.Clear();
        _completed = 0;
        _publishFailures = 0;
        _firstSends = 0;
        _lost = 0;
        _expected = messages.Count;
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

internal sealed record RunResult(int Messages, int Completed, TimeSpan Elapsed, double[] LatenciesMs, long Resends = 0, bool Finished = true, int Lost = 0)
{
    public double PerSecond => Completed / Elapsed.TotalSeconds;

    public double Percentile(double p) => Percentiles.Of(LatenciesMs, p);
}

internal static class Percentiles
{
    public static double Of(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
