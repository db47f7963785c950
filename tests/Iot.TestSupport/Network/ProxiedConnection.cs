using System.Buffers;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Iot.TestSupport.Network;

/// <summary>One client connection through <see cref="LossyTcpProxy"/>: two delayed, throttled pumps and the fault dice.</summary>
internal sealed class ProxiedConnection : IDisposable
{
    private const int SegmentBytes = 16 * 1024;
    private readonly LossyTcpProxy _proxy;
    private readonly Socket _client;
    private readonly Socket _server;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _done;
    private int _state; // 0 open, 1 stalled, 2 cut

    public ProxiedConnection(LossyTcpProxy proxy, Socket client, Socket server, TimeProvider time, CancellationToken ct)
    {
        _proxy = proxy;
        _client = client;
        _server = server;
        _time = time;
        _done = CancellationTokenSource.CreateLinkedTokenSource(ct);
    }

    private LossyLinkCounters Counters => _proxy.Counters;

    private LossyLinkOptions Options => _proxy.Options;

    public bool Stalled => Volatile.Read(ref _state) == 1;

    public static void Reset(Socket socket)
    {
        try
        {
            // Linger 0 makes Close send RST instead of FIN: the peer sees "connection reset", as after a crash.
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    public bool Cut()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return false;
        }

        Counters.OnCut();
        Reset(_client);
        Reset(_server);
        try
        {
            _done.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended on its own while being cut.
        }

        return true;
    }

    public bool Stall()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return false;
        }

        Counters.OnStall();
        return true;
    }

    public async Task RunAsync()
    {
        var ct = _done.Token;
        var up = PumpAsync(_client, _server, upstream: true, ct);
        var down = PumpAsync(_server, _client, upstream: false, ct);
        var dice = TimedFaultsAsync(ct);
        try
        {
            var first = await Task.WhenAny(up, down).ConfigureAwait(false);
            if (first.IsFaulted || Stalled)
            {
                // A reset on one side reaches the other the same way. A stalled link also lets the other end go once
                // one end gave up (a real blackhole would not, but the test must end and its sockets be freed).
                ResetBothUnlessCut();
            }

            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException or ChannelClosedException)
        {
            ResetBothUnlessCut();
        }
        finally
        {
            await _done.CancelAsync().ConfigureAwait(false);
            try
            {
                await dice.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private void ResetBothUnlessCut()
    {
        if (Volatile.Read(ref _state) != 2)
        {
            Reset(_client);
            Reset(_server);
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
        _done.Dispose();
    }

    private async Task TimedFaultsAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var interval = Options.FaultCheckInterval;
            await Task.Delay(interval > TimeSpan.Zero ? interval : TimeSpan.FromMilliseconds(250), _time, ct).ConfigureAwait(false);
            if (interval > TimeSpan.Zero && _proxy.NextDouble() < Options.FaultChancePerInterval)
            {
                Fault();
            }
        }
    }

    private void Fault()
    {
        if (_proxy.NextDouble() < Options.StallShare)
        {
            Stall();
        }
        else
        {
            Cut();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool upstream, CancellationToken ct)
    {
        // Bounded: a slow link pushes back on the sender through TCP flow control instead of buffering without end.
        var segments = Channel.CreateBounded<(byte[] Data, int Length, long DueTicks)>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var writer = DeliverAsync(segments.Reader, to, upstream, ct);
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(SegmentBytes);
                var read = await from.ReceiveAsync(buffer.AsMemory(0, SegmentBytes), SocketFlags.None, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }

                var latency = upstream
                    ? _proxy.Draw(Options.UpstreamLatencyMin, Options.UpstreamLatencyMax)
                    : _proxy.Draw(Options.DownstreamLatencyMin, Options.DownstreamLatencyMax);
                await segments.Writer.WriteAsync((buffer, read, (_time.GetUtcNow() + latency).UtcTicks), ct).ConfigureAwait(false);
            }
        }
        catch
        {
            segments.Writer.TryComplete();
            // The delivering half fails too once the sockets are reset; observe it so nothing goes unobserved.
            await writer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        segments.Writer.TryComplete();
        await writer.ConfigureAwait(false);
    }

    private async Task DeliverAsync(ChannelReader<(byte[] Data, int Length, long DueTicks)> segments, Socket to, bool upstream, CancellationToken ct)
    {
        long sinceCheck = 0;
        await foreach (var (data, length, dueTicks) in segments.ReadAllAsync(ct).ConfigureAwait(false))
        {
            try
            {
                var wait = new DateTimeOffset(dueTicks, TimeSpan.Zero) - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, ct).ConfigureAwait(false);
                }

                if (Stalled)
                {
                    continue;
                }

                var rate = Options.BandwidthBytesPerSecond;
                if (rate > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)length / rate), _time, ct).ConfigureAwait(false);
                }

                await SendAllAsync(to, data.AsMemory(0, length), ct).ConfigureAwait(false);
                Counters.OnForwarded(upstream, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(data);
            }

            sinceCheck += length;
            var every = Options.FaultCheckBytes;
            while (every > 0 && sinceCheck >= every)
            {
                sinceCheck -= every;
                if (_proxy.NextDouble() < Options.FaultChancePerCheck)
                {
                    Fault();
                }
            }
        }

        // Pass the half-close on: the peer reads end-of-stream exactly where the sender stopped. Not after a cut: the
        // cut resets one socket and then the other, and a FIN sent in between would reach the peer before the RST.
        // The cut marks the state before it resets anything, so a read that ended because of it sees the mark.
        if (Volatile.Read(ref _state) == 0)
        {
            to.Shutdown(SocketShutdown.Send);
        }
    }

    private static async Task SendAllAsync(Socket to, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            var sent = await to.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            data = data[sent..];
        }
    }
}
