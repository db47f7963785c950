using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Alerts.Delivery;

public static class AlertDeliveryServiceCollectionExtensions
{
    /// <summary>
    /// The alert sender (MQTT alert topic, signed webhooks, SMTP) in a host that has an
    /// <see cref="Npgsql.NpgsqlDataSource"/> and an <see cref="Messaging.IMessagePublisher"/> (the bridge, via
    /// AddProvisioning). The worker runs unless <c>Alerts:Delivery:Enabled</c> is false.
    /// </summary>
    public static IServiceCollection AddAlertDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertDeliveryOptions>().Bind(configuration.GetSection(AlertDeliveryOptions.Section)).ValidateOnStart();
        services.AddOptions<AlertSmtpOptions>().Bind(configuration.GetSection(AlertSmtpOptions.Section)).ValidateOnStart();
        services.AddSingleton<AlertDeliveryOptionsValidator>();
        services.AddSingleton<IValidateOptions<AlertDeliveryOptions>>(sp => sp.GetRequiredService<AlertDeliveryOptionsValidator>());
        services.AddSingleton<IValidateOptions<AlertSmtpOptions>>(sp => sp.GetRequiredService<AlertDeliveryOptionsValidator>());
        services.AddSingleton(sp => new WebhookTargetGuard(sp.GetRequiredService<IOptions<AlertDeliveryOptions>>().Value.AllowPrivateTargets));
        services.AddHttpClient(WebhookSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                // A proxy would be where the guard's connect check lands instead of the target; hooks go out directly.
                UseProxy = false,
                ConnectCallback = sp.GetRequiredService<WebhookTargetGuard>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .ConfigureHttpClient((sp, c) =>
            {
                // The sender's own per-request timeout decides; this is only the backstop.
                c.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<AlertDeliveryOptions>>().Value.TimeoutSeconds + 5);
            });
        services.AddSingleton<AlertDeliveryStore>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<EmailSender>();
        services.AddSingleton<AlertDeliveryWorker>();
        if (configuration.GetValue($"{AlertDeliveryOptions.Section}:Enabled", true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<AlertDeliveryWorker>());
        }

        return services;
    }
}
