using System.Reflection;

namespace Iot.Edge.Agent.Hosting;

internal static class AgentVersion
{
    public static readonly string Current =
        typeof(AgentVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
