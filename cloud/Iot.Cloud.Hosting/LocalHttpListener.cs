using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Iot.Cloud.Hosting;

/// <summary>
/// The lifecycle of a small Kestrel listener inside a generic-host program (the bridge's /metrics and operator API,
/// the worker's health probes): an empty builder, one address, start, stop, dispose. A port that cannot be bound is
/// reported, not thrown: the caller decides whether the program goes on without it (it always has so far).
/// </summary>
public sealed class LocalHttpListener(ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>
    /// The start-up check every such listener's options share: <c>{section}:Port</c> 0..65535 and
    /// <c>{section}:ListenAddress</c> an IP address (Kestrel binds addresses, not names). Adds what is wrong to
    /// <paramref name="errors"/>, naming the key.
    /// </summary>
    public static void CheckEndpoint(string section, string listenAddress, int port, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (port is < 0 or > 65535)
        {
            errors.Add($"{section}:Port {port} must be 0..65535 (0 = any free port)");
        }

        if (!IPAddress.TryParse(listenAddress, out _))
        {
            errors.Add($"{section}:ListenAddress '{listenAddress}' must be an IP address");
        }
    }

    /// <summary>Where Kestrel listens; empty before start, when not bound, or after stop.</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    /// <summary>
    /// Starts listening on <paramref name="listenAddress"/>:<paramref name="port"/> (0 = any free port) with the routes
    /// <paramref name="map"/> adds. Returns the bind failure (port taken, address not local) instead of throwing it.
    /// </summary>
    public async Task<Exception?> StartAsync(
        string listenAddress,
        int port,
        Action<WebApplication> map,
        CancellationToken cancellationToken,
        Action<IServiceCollection>? services = null,
        Action<KestrelServerOptions>? kestrel = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (_app is not null)
        {
            throw new InvalidOperationException("the listener is already started");
        }

        // Empty builder: no appsettings, no ASPNETCORE_ variables; the program's own configuration rules.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRoutingCore();
        services?.Invoke(builder.Services);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            kestrel?.Invoke(k);
            k.Listen(IPAddress.Parse(listenAddress), port);
        });
        var app = builder.Build();
        map(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            return ex;
        }

        _app = app;
        Addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        return null;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }
}
