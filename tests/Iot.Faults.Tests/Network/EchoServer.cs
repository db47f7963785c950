using System.Net;
using System.Net.Sockets;

namespace Iot.Faults.Tests.Network;

/// <summary>A loopback TCP echo server that records how each connection ended, as the far side of the proxy.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public EchoServer()
    {
        _listener.Start();
        _loop = Task.Run(() => AcceptAsync(_stop.Token));
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>"eof" for a clean close, "reset" for RST, one entry per finished connection.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Endings { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => EchoAsync(socket, ct), CancellationToken.None);
        }
    }

    private async Task EchoAsync(Socket socket, CancellationToken ct)
    {
        using (socket)
        {
            var buffer = new byte[8192];
            try
            {
                while (true)
                {
                    var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
                    if (n == 0)
                    {
                        Endings.Enqueue("eof");
                        return;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, ct);
                }
            }
            catch (SocketException)
            {
                Endings.Enqueue("reset");
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
