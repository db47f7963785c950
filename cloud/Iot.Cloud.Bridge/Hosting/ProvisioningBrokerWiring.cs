using System.Security.Cryptography;
using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Broker.Dynsec;
using Iot.Cloud.Bridge.Broker.Security;
using Iot.Provisioning.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>
/// Connects provisioning to this bridge's broker: its <c>svc.provisioning</c> login (minted per process in Embedded mode
/// when none is configured, like the bridge's own) and revocation kicks through the broker's session control.
/// </summary>
internal static class ProvisioningBrokerWiring
{
    public static void AddProvisioningBrokerWiring(this IServiceCollection services)
    {
        services.AddSingleton<EmbeddedProvisioningAccount>();
        services.AddSingleton<IPostConfigureOptions<BrokerOptions>>(sp => sp.GetRequiredService<EmbeddedProvisioningAccount>());
        services.AddSingleton<IPostConfigureOptions<ProvisioningOptions>>(sp => sp.GetRequiredService<EmbeddedProvisioningAccount>());
        services.AddSingleton<Iot.Provisioning.Messaging.IDeviceSessionControl>(sp =>
            new SessionControlAdapter(sp.GetService<IDeviceSessionControl>()));
        services.AddSingleton<Iot.Provisioning.Security.ISecretSealer>(sp =>
        {
            var dynsec = sp.GetRequiredService<IOptions<BrokerOptions>>().Value.Dynsec;
            return dynsec.Enabled ? new DynsecSealer(SecretSealer.FromBase64(dynsec.SecretKey)) : new Iot.Provisioning.Security.NoSecretSealing();
        });
    }

    private sealed class DynsecSealer(SecretSealer sealer) : Iot.Provisioning.Security.ISecretSealer
    {
        public byte[]? Seal(string username, string secret) => sealer.Seal(username, secret);
    }

    private sealed class EmbeddedProvisioningAccount(IServiceProvider services) : IPostConfigureOptions<BrokerOptions>, IPostConfigureOptions<ProvisioningOptions>
    {
        private readonly string _minted = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

        public void PostConfigure(string? name, BrokerOptions o)
        {
            if (o.Mode == BrokerMode.Embedded && (!o.ServiceAccounts.TryGetValue(ServiceNames.Provisioning, out var s) || string.IsNullOrEmpty(s)))
            {
                o.ServiceAccounts[ServiceNames.Provisioning] = _minted;
            }
        }

        public void PostConfigure(string? name, ProvisioningOptions o)
        {
            var broker = services.GetRequiredService<IOptions<BrokerOptions>>().Value;
            if (broker.Mode == BrokerMode.Embedded && string.IsNullOrEmpty(o.Password))
            {
                o.Password = broker.ServiceAccounts[ServiceNames.Provisioning];
            }
        }
    }

    private sealed class SessionControlAdapter(IDeviceSessionControl? broker) : Iot.Provisioning.Messaging.IDeviceSessionControl
    {
        public Task KickAsync(string username, CancellationToken cancellationToken) =>
            broker is null ? Task.CompletedTask : broker.KickAsync(username, cancellationToken);

        public Task CredentialsChangedAsync(string username, CancellationToken cancellationToken) =>
            broker is null ? Task.CompletedTask : broker.CredentialsChangedAsync(username, cancellationToken);
    }
}
