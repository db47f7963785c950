using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Iot.TestSupport.Network;

/// <summary>
/// A TCP proxy on 127.0.0.1 (ephemeral port) in front of a real server, that adds latency, caps bandwidth, stalls
/// and cuts connections, and can refuse new ones for a while. Faults are random with a fixed seed, so a failing
/// run can be repeated; see <see cref="LossyLinkOptions"/> for why "packet loss" means stalls and cuts.
/// </summary>
public sealed class LossyTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly CancellationTokenSource _stop;
    private readonly ConcurrentDictionary<long, ProxiedConnection> _open = new();
    private readonly Task _acceptLoop;
    private long _nextId;
    private long _refuseUntilTicks;

    private LossyTcpProxy(IPEndPoint target, LossyLinkOptions options, int seed, TimeProvider time, CancellationToken cancellationToken)
    {
        _target = target;
        _time = time;
        _random = new Random(seed);
        Options = options;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(_stop.Token), CancellationToken.None);
    }

    public int Port { get; }

    public LossyLinkOptions Options { get; }

    public LossyLinkCounters Counters { get; } = new();

    public int OpenConnections => _open.Count;

    public static LossyTcpProxy Start(IPEndPoint target, LossyLinkOptions options, int seed, CancellationToken cancellationToken, TimeProvider? time = null) =>
        new(target, options, seed, time ?? TimeProvider.System, cancellationToken);

    /// <summary>New connections are reset on arrival until then, as a peer whose network is down would see.</summary>
    public void RefuseNewConnectionsFor(TimeSpan duration) =>
        Interlocked.Exchange(ref _refuseUntilTicks, (_time.GetUtcNow() + duration).UtcTicks);

    public bool Refusing => _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _refuseUntilTicks);

    /// <summary>Resets every open connection now; returns how many.</summary>
    public int CutAll() => _open.Values.Count(c => c.Cut());

    /// <summary>Stops forwarding on every open connection without closing it; returns how many.</summary>
    public int StallAll() => _open.Values.Count(c => c.Stall());

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        foreach (var connection in _open.Values)
        {
            connection.Cut();
        }

        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    internal double NextDouble()
    {
        lock (_random)
        {
            return _random.NextDouble();
        }
    }

    internal TimeSpan Draw(TimeSpan min, TimeSpan max) =>
        max <= min ? min : min + TimeSpan.FromTicks((long)(NextDouble() * (max - min).Ticks));

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && ct.IsCancellationRequested)
            {
                return;
            }

            if (Refusing)
            {
                Counters.OnRefused();
                ProxiedConnection.Reset(client);
                continue;
            }

            _ = Task.Run(() => ServeAsync(client, ct), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken ct)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(5));
            await server.ConnectAsync(_target, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            Counters.OnRefused();
            ProxiedConnection.Reset(client);
            server.Dispose();
            return;
        }

        client.NoDelay = true;
        Counters.OnConnection();
        var id = Interlocked.Increment(ref _nextId);
        var connection = new ProxiedConnection(this, client, server, _time, ct);
        _open[id] = connection;
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _open.TryRemove(id, out _);
            connection.Dispose();
        }
    }
}
