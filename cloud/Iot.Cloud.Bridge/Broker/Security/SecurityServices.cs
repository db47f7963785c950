using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Broker.Security;

public static class SecurityServices
{
    /// <summary>Authentication and ACLs of the embedded broker.</summary>
    public static IServiceCollection AddBrokerSecurity(this IServiceCollection services)
    {
        services.AddSingleton<IPostConfigureOptions<BrokerOptions>, EmbeddedBridgeAccount>();
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<BrokerAuthenticator>();
        services.AddSingleton<BrokerSecurityMetrics>();
        services.AddSingleton<BrokerGatekeeper>();
        return services;
    }
}
