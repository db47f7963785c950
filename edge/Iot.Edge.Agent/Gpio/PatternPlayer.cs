namespace Iot.Edge.Agent.Gpio;

/// <summary>
/// Plays a repeating base pattern, and one-off patterns (health code, acknowledgements) over it, by stepping a timer
/// from the <see cref="TimeProvider"/>. A new base pattern restarts at its first step and cycle, so its entry beep
/// sounds; resuming after a one-off does not beep again.
/// </summary>
internal sealed class PatternPlayer(Action<BlinkStep> output, TimeProvider time) : IDisposable
{
    private readonly Lock _gate = new();
    private BlinkPattern? _base;
    private BlinkPattern? _once;
    private ITimer? _timer;
    private int _generation;
    private int _index;
    private int _cycle; // only "first cycle or not" matters: the entry beep
    private bool _disposed;

    public BlinkPattern? Playing
    {
        get
        {
            lock (_gate)
            {
                return _once ?? _base;
            }
        }
    }

    public void Show(BlinkPattern pattern)
    {
        lock (_gate)
        {
            if (_disposed || ReferenceEquals(pattern, _base))
            {
                return;
            }

            _base = pattern;
            if (_once is null)
            {
                Begin(cycle: 0);
            }
        }
    }

    public void PlayOnce(BlinkPattern pattern)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _once = pattern;
            Begin(cycle: 0);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            output(default);
        }
    }

    private void Begin(int cycle)
    {
        _index = 0;
        _cycle = cycle;
        Emit();
    }

    private void Emit()
    {
        var step = (_once ?? _base)!.Steps[_index];
        output(_cycle == 0 ? step : step with { Buzzer = false });

        // A fresh timer per step, tagged with a generation: a callback already queued for a step that a new pattern
        // replaced must not advance the new one.
        _timer?.Dispose();
        var generation = ++_generation;
        _timer = time.CreateTimer(_ => Advance(generation), null, step.Duration, Timeout.InfiniteTimeSpan);
    }

    private void Advance(int generation)
    {
        lock (_gate)
        {
            if (_disposed || generation != _generation)
            {
                return;
            }

            var pattern = (_once ?? _base)!;
            if (++_index < pattern.Steps.Count)
            {
                Emit();
            }
            else if (_once is not null)
            {
                _once = null;
                if (_base is null)
                {
                    output(default);
                    return;
                }

                Begin(cycle: 1);
            }
            else
            {
                Begin(cycle: 1);
            }
        }
    }
}
