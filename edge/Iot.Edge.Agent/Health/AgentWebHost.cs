using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Health;

/// <summary>
/// Kestrel on 127.0.0.1:<see cref="HealthOptions.Port"/>, run as a hosted service inside the agent's generic host so
/// the agent keeps its own builder. A port already taken is logged and the agent records on: the endpoint is a
/// diagnostic, and losing audio over it would be the worse failure.
/// </summary>
internal sealed partial class AgentWebHost(
    IServiceProvider agentServices,
    IEnumerable<AgentEndpoints> contributions,
    IOptions<HealthOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<AgentWebHost> logger) : IHostedService, IDisposable, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>Where Kestrel listens; empty when disabled or the port could not be bound.</summary>
    internal IReadOnlyList<string> Addresses { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            LogDisabled(HealthOptions.Section);
            return;
        }

        // Empty builder: no appsettings.json, no ASPNETCORE_ variables, no HTTPS; the agent's configuration rules.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, o.Port);
        });
        var app = builder.Build();
        foreach (var contribution in contributions)
        {
            contribution.MapInto(app, agentServices);
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            LogBindFailed(ex, $"{HealthOptions.Section}:Port", o.Port);
            await app.DisposeAsync().ConfigureAwait(false);
            return;
        }

        _app = app;
        Addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        LogListening(string.Join(", ", Addresses));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        ((IDisposable?)_app)?.Dispose();
        _app = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local health endpoint listening on {Addresses} (/health, /metrics)")]
    private partial void LogListening(string addresses);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Local health endpoint disabled ({Section}:Enabled=false)")]
    private partial void LogDisabled(string section);

    [LoggerMessage(Level = LogLevel.Error, Message = "Local health endpoint not started: cannot listen on 127.0.0.1 port {Key}={Port}; the agent keeps recording. Free the port or change {Key}")]
    private partial void LogBindFailed(Exception exception, string key, int port);
}
