using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>
/// The embedded broker's authentication and ACL hooks. Every refusal is counted and logged with who, what and why,
/// so a misconfigured device shows up in the logs rather than as silence.
/// </summary>
public sealed partial class BrokerGatekeeper(
    BrokerAuthenticator authenticator,
    BrokerSecurityMetrics metrics,
    IOptions<BrokerOptions> options,
    ILogger<BrokerGatekeeper> logger)
{
    internal const string PrincipalItem = "iot.principal";

    public bool Enforcing => options.Value.RequireAuthentication;

    public async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (!Enforcing)
        {
            e.SessionItems[PrincipalItem] = MqttPrincipal.Anonymous;
            return;
        }

        var verdict = await authenticator.AuthenticateAsync(e.UserName, e.Password, e.ClientId, e.CancellationToken).ConfigureAwait(false);
        if (verdict.Principal is null)
        {
            metrics.OnConnectRefused();
            LogConnectRefused(e.UserName ?? "", e.ClientId ?? "", e.RemoteEndPoint?.ToString() ?? "", verdict.Reason);
            e.ReasonCode = e.UserName is null or "" || e.Password is null or ""
                ? MqttConnectReasonCode.BadUserNameOrPassword
                : MqttConnectReasonCode.NotAuthorized;
            return;
        }

        e.SessionItems[PrincipalItem] = verdict.Principal;
    }

    public Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        // Messages the server injects itself carry no client session; they are the bridge process's own.
        if (!Enforcing || string.IsNullOrEmpty(e.ClientId))
        {
            return Task.CompletedTask;
        }

        var principal = e.SessionItems?[PrincipalItem] as MqttPrincipal;
        var topic = e.ApplicationMessage.Topic;
        if (principal is not null && AccessRules.For(principal).CanPublish(topic))
        {
            return Task.CompletedTask;
        }

        metrics.OnPublishRefused();
        LogPublishRefused(principal?.Username ?? e.UserName ?? "", e.ClientId, topic);
        e.ProcessPublish = false;
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        return Task.CompletedTask;
    }

    public Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (!Enforcing)
        {
            return Task.CompletedTask;
        }

        var principal = e.SessionItems?[PrincipalItem] as MqttPrincipal;
        var filter = e.TopicFilter.Topic;
        if (principal is not null && AccessRules.For(principal).CanSubscribe(principal, filter))
        {
            return Task.CompletedTask;
        }

        metrics.OnSubscribeRefused();
        LogSubscribeRefused(principal?.Username ?? e.UserName ?? "", e.ClientId, filter);
        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "MQTT CONNECT refused: user {Username} client {ClientId} from {Remote}: {Reason}")]
    private partial void LogConnectRefused(string username, string clientId, string remote, string reason);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "MQTT PUBLISH refused: user {Username} client {ClientId} topic {Topic}")]
    private partial void LogPublishRefused(string username, string clientId, string topic);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "MQTT SUBSCRIBE refused: user {Username} client {ClientId} filter {Filter}")]
    private partial void LogSubscribeRefused(string username, string clientId, string filter);
}
