using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>
/// A man in the middle: accepts TCP where devices expect their broker, completes TLS with a certificate of another CA
/// (valid for the address, so only the CA is wrong) and records every byte a client sends once TLS is up.
/// </summary>
public sealed class ImpostorTlsListener : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly MemoryStream _received = new();
    private readonly MemoryStream _raw = new();
    private int _attempts;

    public ImpostorTlsListener(IPAddress address, X509Certificate2 certificate)
    {
        _certificate = certificate;
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>TCP connections made to the impostor: proof the victim did come here.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Application bytes that arrived over an established TLS session (an MQTT CONNECT would carry the secret).</summary>
    public byte[] Received
    {
        get
        {
            lock (_received)
            {
                return _received.ToArray();
            }
        }
    }

    /// <summary>Every byte off the wire, TLS records included: a client that skipped TLS would show its CONNECT here in clear.</summary>
    public byte[] Raw
    {
        get
        {
            lock (_raw)
            {
                return _raw.ToArray();
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref _attempts);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(new TappedStream(client.GetStream(), _raw));
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                var buffer = new byte[4096];
                int read;
                while ((read = await tls.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    lock (_received)
                    {
                        _received.Write(buffer, 0, read);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or ObjectDisposedException)
            {
                // The victim hung up during or after the handshake: what a refusing client does.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
        _certificate.Dispose();
    }
}

/// <summary>Copies what is read from the socket into <c>tap</c>.</summary>
internal sealed class TappedStream(Stream inner, MemoryStream tap) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Tap(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Tap(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Tap(ReadOnlySpan<byte> bytes)
    {
        lock (tap)
        {
            tap.Write(bytes);
        }

        return bytes.Length;
    }
}
