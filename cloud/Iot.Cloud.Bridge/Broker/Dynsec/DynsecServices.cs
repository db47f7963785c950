using Microsoft.Extensions.DependencyInjection;

namespace Iot.Cloud.Bridge.Broker.Dynsec;

public static class DynsecServices
{
    public static IServiceCollection AddDynsecReconciler(this IServiceCollection services)
    {
        services.AddSingleton<DesiredDynsecState>();
        services.AddSingleton<DynsecReconciler>();
        services.AddSingleton<IDeviceSessionControl, DynsecSessionControl>();
        services.AddHostedService(sp => sp.GetRequiredService<DynsecReconciler>());
        return services;
    }
}
