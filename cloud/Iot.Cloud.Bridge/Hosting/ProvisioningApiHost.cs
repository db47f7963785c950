using Iot.Cloud.Hosting;
using Iot.Provisioning.Api;
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
    AlertActions alerts,
    ApiCallers callers,
    LocalApiToken localToken,
    IOptions<ProvisioningApiOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<ProvisioningApiHost> logger) : IHostedService, IAsyncDisposable
{
    private readonly LocalHttpListener _listener = new(loggerFactory);

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

        var failure = await _listener.StartAsync(
            o.ListenAddress,
            o.Port,
            app => app.MapProvisioningApi(),
            cancellationToken,
            s =>
            {
                s.AddSingleton(actions);
                s.AddSingleton(jobs);
                s.AddSingleton(alerts);
                s.AddSingleton(callers);
                s.AddRouting();
            },
            k => k.Limits.MaxRequestBodySize = ProvisioningApiEndpoints.MaxCsvBytes + 4096).ConfigureAwait(false);
        if (failure is not null)
        {
            LogBindFailed(failure, o.ListenAddress, o.Port);
            return;
        }

        var address = _listener.Addresses.FirstOrDefault();
        BaseAddress = address is null ? null : new Uri(address.TrimEnd('/') + "/");
        LogListening(address ?? "?", callers.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _listener.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioning API listening on {Address} for {Callers} caller(s)")]
    private partial void LogListening(string address, int callers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provisioning API: no ProvisioningApi:Callers configured; a token for caller 'local' (any tenant) was written to {Path} (mode 0600). Configure callers for production")]
    private partial void LogLocalToken(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Provisioning API not started: cannot listen on {Address}:{Port} (ProvisioningApi:Port); the bridge keeps ingesting. Free the port or change ProvisioningApi:Port")]
    private partial void LogBindFailed(Exception exception, string address, int port);
}
