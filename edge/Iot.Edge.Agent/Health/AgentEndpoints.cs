using Microsoft.AspNetCore.Routing;

namespace Iot.Edge.Agent.Health;

/// <summary>
/// One contribution to the agent's local web API. Register as a singleton; <see cref="AgentWebHost"/> maps every one,
/// handing it the agent's own service provider, so a new endpoint is one registration and no change here.
/// </summary>
public sealed class AgentEndpoints(Action<IEndpointRouteBuilder, IServiceProvider> map)
{
    internal void MapInto(IEndpointRouteBuilder endpoints, IServiceProvider agentServices) => map(endpoints, agentServices);
}
