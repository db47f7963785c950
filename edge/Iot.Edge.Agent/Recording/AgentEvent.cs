namespace Iot.Edge.Agent.Recording;

/// <summary>
/// A queue-system or desk event: <c>visit_call</c>/<c>visit_next</c> start a visit, <c>visit_end</c>/<c>visit_finish</c>
/// end it, <c>login</c>/<c>logout</c> set the desk user. Arrives on the local HTTP API or the device's cmd topic.
/// </summary>
public sealed record AgentEvent(string Type, string? TransactionId = null, string? Operator = null)
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        "visit_call", "visit_next", "visit_end", "visit_finish", "login", "logout",
    };
}
