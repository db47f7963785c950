using System.Net;
using Iot.Provisioning.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>
/// Serves the operator-action API (<see cref="ProvisioningApiEndpoints"/>) on its own Kestrel listener, so the process
/// that owns the provisioning MQTT session and the broker's session control is the one that acts. Its own listener,
/// not the metrics one: metrics are unauthenticated and often opened to a scraper network, this one changes the
/// registry and defaults to loopback. A port that cannot be bound is logged and the bridge keeps ingesting (devices
/// matter more than operators), like the metrics endpoint.
/// </summary>
internal sealed partial class ProvisioningApiHost(
    OperatorActions actions,
    JobActions jobs,
    ApiCallers callers,
    LocalApiToken localToken,
    IOptions<ProvisioningApiOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<ProvisioningApiHost> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The bound base address (http://host:port/), null when disabled or not bound.</summary>
    public Uri? BaseAddress { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return;
        }

        if (localToken.Token is not null)
        {
            await localToken.WriteAsync(cancellationToken).ConfigureAwait(false);
            LogLocalToken(localToken.Path!);
        }

        // Empty builder: no appsettings, no ASPNETCORE_ variables; the bridge's configuration rules.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(actions);
        builder.Services.AddSingleton(jobs);
        builder.Services.AddSingleton(callers);
        builder.Services.AddRouting();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = ProvisioningApiEndpoints.MaxCsvBytes + 4096;
            k.Listen(IPAddress.Parse(o.ListenAddress), o.Port);
        });
        var app = builder.Build();
        app.MapProvisioningApi();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            LogBindFailed(ex, o.ListenAddress, o.Port);
            await app.DisposeAsync().ConfigureAwait(false);
            return;
        }

        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        BaseAddress = address is null ? null : new Uri(address.TrimEnd('/') + "/");
        LogListening(address ?? "?", callers.Count);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioning API listening on {Address} for {Callers} caller(s)")]
    private partial void LogListening(string address, int callers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provisioning API: no ProvisioningApi:Callers configured; a token for caller 'local' (any tenant) was written to {Path} (mode 0600). Configure callers for production")]
    private partial void LogLocalToken(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Provisioning API not started: cannot listen on {Address}:{Port} (ProvisioningApi:Port); the bridge keeps ingesting. Free the port or change ProvisioningApi:Port")]
    private partial void LogBindFailed(Exception exception, string address, int port);
}
