namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>The service accounts ACLs know about; any other <c>svc.*</c> name is refused.</summary>
public static class ServiceNames
{
    public const string Bridge = "bridge";
    public const string Provisioning = "provisioning";
    public const string Ops = "ops";

    public static readonly IReadOnlyList<string> All = [Bridge, Provisioning, Ops];
}
