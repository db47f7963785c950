using System.Buffers;
using System.Security.Cryptography;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Serialization;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Uplink;
using Iot.Mqtt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Edge.Agent.Provisioning;

/// <summary>
/// One provisioning attempt over a short-lived claim session: connect as <c>claim.{claimId}</c>, subscribe the response
/// topic, publish the request with a fresh nonce, wait for the answer carrying that nonce. Answers with any other nonce
/// (retained from an earlier attempt, or replayed) are ignored. The claim's broker is tried first, then the
/// <c>Mqtt:Hosts</c> entries (<see cref="BrokerEndpoints.Named"/>); the first that accepts the claim session is asked.
/// </summary>
public sealed partial class ProvisioningClient(IOptions<MqttOptions> mqtt, TimeProvider time, ILogger<ProvisioningClient> logger)
{
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The matching response, or null when no broker could be reached or nobody answered in time.</summary>
    public async Task<ProvisionResponse?> RequestAsync(ClaimFile claim, ProvisionRequest request, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(request);
        foreach (var broker in BrokerEndpoints.Named(claim.Endpoint, mqtt.Value))
        {
            var (reached, response) = await RequestFromAsync(broker, claim, request, timeout, ct).ConfigureAwait(false);
            if (reached)
            {
                // A broker that took the request but brought no answer is not a reason to ask another: the cloud
                // reads them all, so the same silence would follow, and a second request would only add a nonce.
                return response;
            }
        }

        return null;
    }

    private async Task<(bool Reached, ProvisionResponse? Response)> RequestFromAsync(BrokerEndpoint broker, ClaimFile claim, ProvisionRequest request, TimeSpan timeout, CancellationToken ct)
    {
        var (host, port) = broker;
        var responseTopic = ProvisioningTopics.Response(request.Serial);
        var answer = new TaskCompletionSource<ProvisionResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var session = new MqttSession("claim", time);
        session.MessageReceived += e =>
        {
            if (e.ApplicationMessage.Topic != responseTopic)
            {
                return Task.CompletedTask;
            }

            var response = ProtocolJson.TryDeserialize<ProvisionResponse>(e.ApplicationMessage.Payload.ToArray(), out var error);
            if (response is null)
            {
                LogBadResponse(error);
            }
            else if (!string.Equals(response.Nonce, request.Nonce, StringComparison.Ordinal))
            {
                LogStaleResponse(response.Status.ToString());
            }
            else
            {
                answer.TrySetResult(response);
            }

            return Task.CompletedTask;
        };

        var settings = new MqttConnectSettings
        {
            Host = host,
            Port = port,
            ClientId = MqttIdentities.ClaimClient(request.Serial),
            Username = MqttIdentities.ClaimUser(claim.ClaimId),
            Password = claim.Secret,
            Tls = MqttTls.Settings(mqtt.Value, host, claim.CaCertificate),
        };
        try
        {
            var connected = await session.ConnectAsync(settings, [new MqttSubscription(responseTopic)], ct).ConfigureAwait(false);
            if (connected.Status == MqttConnectStatus.Unreachable)
            {
                LogUnreachable(host, port, connected.Reason);
                return (false, null);
            }

            if (!connected.IsConnected)
            {
                LogClaimRefused(host, port, connected.Status == MqttConnectStatus.SubscribeRefused ? "subscribe refused" : connected.Reason);
                return (false, null);
            }

            await session.PublishAsync(
                new MqttApplicationMessageBuilder()
                    .WithTopic(ProvisioningTopics.Request(request.Serial))
                    .WithPayload(ProtocolJson.Serialize(request))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build(),
                ct).ConfigureAwait(false);
            LogRequested(request.Serial, host, port);
            try
            {
                return (true, await answer.Task.WaitAsync(timeout, time, ct).ConfigureAwait(false));
            }
            catch (TimeoutException)
            {
                LogNoAnswer(timeout.TotalSeconds);
                return (true, null);
            }
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or TimeoutException || ex is OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogUnreachable(host, port, ex.Message);
            return (false, null);
        }
        finally
        {
            await session.DisconnectAsync("claim session done", sessionExpirySeconds: null, CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioning request for serial {Serial} sent to {Host}:{Port}")]
    private partial void LogRequested(string serial, string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claim broker {Host}:{Port} unreachable: {Error}")]
    private partial void LogUnreachable(string host, int port, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Claim broker {Host}:{Port} refused the claim credential: {Code}")]
    private partial void LogClaimRefused(string host, int port, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No provisioning answer within {Seconds} s")]
    private partial void LogNoAnswer(double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable provisioning response ignored: {Error}")]
    private partial void LogBadResponse(string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provisioning response ({Status}) for another nonce ignored: stale or replayed")]
    private partial void LogStaleResponse(string status);
}
