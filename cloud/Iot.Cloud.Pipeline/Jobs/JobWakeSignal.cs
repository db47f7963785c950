using System.Threading.Channels;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>"Look at the queue now": set by NOTIFY, a finished job or a reaped lease; many signals collapse into one.</summary>
internal sealed class JobWakeSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Set() => _channel.Writer.TryWrite(true);

    /// <summary>Returns when signalled or after <paramref name="timeout"/> (measured by <paramref name="time"/>).</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _channel.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Poll interval elapsed: look anyway.
        }
    }
}
