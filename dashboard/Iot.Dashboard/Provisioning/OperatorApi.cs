using Iot.Dashboard.Data;
using Iot.Dashboard.Hosting;
using Iot.Provisioning.Api;
using Microsoft.Extensions.Options;

namespace Iot.Dashboard.Provisioning;

/// <summary>
/// The dashboard's way to the bridge's operator API, which owns every provisioning action. Each call states the
/// signed-in user's tenant, branches and e-mail (the dashboard has already checked the role), so the bridge scopes the
/// action and records that user. Refusals become the dashboard's own: outside the scope = <see cref="NotInTenantException"/>
/// (404), API not configured or unreachable = <see cref="ProvisioningApiUnavailableException"/> (503).
/// </summary>
public sealed class OperatorApi(IServiceProvider services, IOptions<DashboardOptions> options, TenantScope scope)
{
    public bool Configured => !string.IsNullOrWhiteSpace(options.Value.ProvisioningApi.Url);

    public ActingAs Who => new(scope.TenantId, scope.Branches, scope.Actor);

    public async Task<T> CallAsync<T>(Func<IProvisioningActions, ActingAs, Task<T>> call)
    {
        if (!Configured || services.GetService<IProvisioningActions>() is not { } actions)
        {
            throw new ProvisioningApiUnavailableException($"the dashboard has no provisioning API ({DashboardOptions.Section}:ProvisioningApi:Url); use iotctl or configure it");
        }

        try
        {
            return await call(actions, Who).ConfigureAwait(false);
        }
        catch (NotInScopeException ex)
        {
            throw new NotInTenantException(ex.Message, ex);
        }
    }

    public Task CallAsync(Func<IProvisioningActions, ActingAs, Task> call) =>
        CallAsync<bool>(async (a, w) =>
        {
            await call(a, w).ConfigureAwait(false);
            return true;
        });
}
