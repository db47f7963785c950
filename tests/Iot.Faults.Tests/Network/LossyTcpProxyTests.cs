using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Iot.TestSupport;
using Iot.TestSupport.Network;

namespace Iot.Faults.Tests.Network;

/// <summary>The proxy the lossy-link test relies on, checked against a plain echo server.</summary>
public sealed class LossyTcpProxyTests : IAsyncLifetime
{
    private readonly EchoServer _echo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _echo.DisposeAsync();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Bytes_pass_both_ways_intact_after_the_added_latency_and_are_counted()
    {
        await using var proxy = LossyTcpProxy.Start(_echo.EndPoint, LossyLinkOptions.Latency(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(150)), seed: 1, _timeout.Token);
        using var client = await ConnectAsync(proxy);
        var payload = new byte[200_000];
        new Random(7).NextBytes(payload);

        var clock = Stopwatch.StartNew();
        var echoed = await RoundTripAsync(client, payload);

        Assert.Equal(payload, echoed);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(200), $"round trip took only {clock.ElapsedMilliseconds} ms");
        Assert.Equal(payload.Length, proxy.Counters.BytesUpstream);
        Assert.Equal(payload.Length, proxy.Counters.BytesDownstream);
        Assert.Equal(1, proxy.Counters.Connections);
    }

    [Fact]
    public async Task A_cut_resets_both_ends()
    {
        await using var proxy = LossyTcpProxy.Start(_echo.EndPoint, new LossyLinkOptions(), seed: 1, _timeout.Token);
        using var client = await ConnectAsync(proxy);
        await RoundTripAsync(client, [1, 2, 3]);

        Assert.Equal(1, proxy.CutAll());

        var error = await Assert.ThrowsAsync<SocketException>(async () => await client.ReceiveAsync(new byte[16], SocketFlags.None, _timeout.Token));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        await Eventually.WaitAsync(
            () => Task.FromResult(_echo.Endings.Contains("reset")),
            TimeSpan.FromSeconds(5),
            "the server side to see a reset",
            () => Task.FromResult($"server endings [{string.Join(", ", _echo.Endings)}], proxy open connections {proxy.OpenConnections}, cuts {proxy.Counters.Cuts}"));
        Assert.Equal(1, proxy.Counters.Cuts);
    }

    [Fact]
    public async Task A_stalled_connection_forwards_nothing_yet_stays_open_until_one_end_gives_up()
    {
        await using var proxy = LossyTcpProxy.Start(_echo.EndPoint, new LossyLinkOptions(), seed: 1, _timeout.Token);
        using var client = await ConnectAsync(proxy);
        await RoundTripAsync(client, [1]);

        Assert.Equal(1, proxy.StallAll());
        await client.SendAsync(new byte[] { 2, 3 }, SocketFlags.None);
        var receive = client.ReceiveAsync(new byte[16], SocketFlags.None, _timeout.Token).AsTask();
        await Task.Delay(700);

        Assert.False(receive.IsCompleted, "a stalled link delivered or closed something");
        Assert.Equal(1, proxy.OpenConnections);
        Assert.Equal(1, proxy.Counters.BytesUpstream);

        client.Close();
        await Eventually.WaitAsync(() => Task.FromResult(proxy.OpenConnections == 0 && !_echo.Endings.IsEmpty), TimeSpan.FromSeconds(5), "the proxy to let the server side go");
        Assert.Equal(0, proxy.Counters.Cuts);
        Assert.Equal(1, proxy.Counters.Stalls);
    }

    [Fact]
    public async Task New_connections_are_refused_while_the_window_lasts_and_accepted_afterwards()
    {
        await using var proxy = LossyTcpProxy.Start(_echo.EndPoint, new LossyLinkOptions(), seed: 1, _timeout.Token);
        proxy.RefuseNewConnectionsFor(TimeSpan.FromMilliseconds(800));

        // The handshake completes in the kernel; the proxy answers with a reset, seen at connect or first use.
        await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var refused = await ConnectAsync(proxy);
            await RoundTripAsync(refused, [1]);
        });

        await Task.Delay(900);
        using var accepted = await ConnectAsync(proxy);
        Assert.Equal(new byte[] { 9 }, await RoundTripAsync(accepted, [9]));
        Assert.Equal(1, proxy.Counters.Refused);
        Assert.Equal(1, proxy.Counters.Connections);
    }

    [Fact]
    public async Task The_bandwidth_cap_slows_a_transfer_down()
    {
        await using var proxy = LossyTcpProxy.Start(_echo.EndPoint, new LossyLinkOptions { BandwidthBytesPerSecond = 100_000 }, seed: 1, _timeout.Token);
        using var client = await ConnectAsync(proxy);

        var clock = Stopwatch.StartNew();
        await RoundTripAsync(client, new byte[50_000]);

        // 50 kB each way at 100 kB/s per direction, pipelined: at least half a second.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), $"took only {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_certain_fault_per_volume_cuts_the_connection_after_that_volume()
    {
        await using var proxy = LossyTcpProxy.Start(_echo.EndPoint, new LossyLinkOptions { FaultCheckBytes = 10_000, FaultChancePerCheck = 1 }, seed: 1, _timeout.Token);
        using var client = await ConnectAsync(proxy);

        await Assert.ThrowsAnyAsync<SocketException>(async () => await RoundTripAsync(client, new byte[100_000]));

        Assert.Equal(1, proxy.Counters.Cuts);
        Assert.InRange(proxy.Counters.BytesUpstream, 10_000, 10_000 + (16 * 1024));
    }

    private async Task<Socket> ConnectAsync(LossyTcpProxy proxy)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port), _timeout.Token);
        return socket;
    }

    private async Task<byte[]> RoundTripAsync(Socket client, byte[] payload)
    {
        var send = client.SendAsync(payload, SocketFlags.None, _timeout.Token).AsTask();
        var received = new byte[payload.Length];
        var total = 0;
        while (total < payload.Length)
        {
            var n = await client.ReceiveAsync(received.AsMemory(total), SocketFlags.None, _timeout.Token);
            if (n == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            total += n;
        }

        await send;
        return received;
    }
}
