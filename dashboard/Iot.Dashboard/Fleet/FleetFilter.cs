namespace Iot.Dashboard.Fleet;

/// <summary>
/// The Fleet screen's filters (also its URL and its live stream's): a branch, and a state — one of the device states,
/// <c>with-alerts</c> (at least one open alert) or <c>mic-missing</c> (telemetry says the microphone is gone).
/// </summary>
public sealed record FleetFilter(string? Branch, string? State)
{
    public const int MaxBranchLength = 100;
    public const string WithAlerts = "with-alerts";
    public const string MicMissing = "mic-missing";

    public static readonly IReadOnlyList<string> States = ["online", "offline", "never-seen", "revoked", "disabled", WithAlerts, MicMissing];

    public static readonly FleetFilter None = new(null, null);

    public bool Matches(FleetDevice d) => State switch
    {
        null => true,
        WithAlerts => d.OpenAlerts > 0,
        MicMissing => d.Mic == "missing",
        var s => d.Status == s,
    };

    /// <summary>The filter, or the problems keyed by parameter; empty values mean "any".</summary>
    public static (FleetFilter? Filter, Dictionary<string, string[]> Errors) Parse(string? branch, string? state)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        branch = string.IsNullOrEmpty(branch) ? null : branch;
        state = string.IsNullOrEmpty(state) ? null : state;
        if (branch is { Length: > MaxBranchLength })
        {
            errors["branch"] = [$"branch must be at most {MaxBranchLength} characters"];
        }

        if (state is not null && !States.Contains(state))
        {
            errors["state"] = [$"state must be one of: {string.Join(", ", States)}"];
        }

        return errors.Count > 0 ? (null, errors) : (new FleetFilter(branch, state), errors);
    }
}
