using System.Security.Cryptography;
using Iot.Protocol.Provisioning;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>
/// Embedded mode with no configured bridge credential: mint a random per-process secret for <c>svc.bridge</c> and
/// give it to the bridge's own client, so a zero-configuration bridge still authenticates to its own broker.
/// </summary>
internal sealed class EmbeddedBridgeAccount : IPostConfigureOptions<BrokerOptions>
{
    private readonly string _secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public void PostConfigure(string? name, BrokerOptions o)
    {
        if (o.Mode != BrokerMode.Embedded)
        {
            return;
        }

        if (!o.ServiceAccounts.TryGetValue(ServiceNames.Bridge, out var secret) || string.IsNullOrEmpty(secret))
        {
            secret = _secret;
            o.ServiceAccounts[ServiceNames.Bridge] = secret;
        }

        if (string.IsNullOrEmpty(o.Username))
        {
            o.Username = MqttIdentities.Service(ServiceNames.Bridge);
            o.Password = secret;
        }
    }
}
