using System.Diagnostics;

namespace Iot.Telemetry;

/// <summary>
/// W3C trace context on MQTT: the chunk envelope is binary and versioned, so the context rides beside it in MQTT 5
/// user properties named as the W3C headers are (<c>traceparent</c>, <c>tracestate</c>). Optional both ways: an agent
/// without tracing sends none and a bridge without tracing ignores them.
/// </summary>
public static class TraceParent
{
    public const string PropertyName = "traceparent";
    public const string StatePropertyName = "tracestate";

    /// <summary>The W3C header value for <paramref name="activity"/>, or null when it has no W3C id.</summary>
    public static string? Format(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : null;

    /// <summary>Parses a received header; anything malformed (or too long to be one) is ignored, never an error.</summary>
    public static ActivityContext? Parse(string? traceparent, string? tracestate)
    {
        if (traceparent is not { Length: 55 })
        {
            return null;
        }

        return ActivityContext.TryParse(traceparent, tracestate is { Length: <= 512 } ? tracestate : null, isRemote: true, out var context) ? context : null;
    }

    /// <summary>
    /// Starts an activity that does not become <see cref="Activity.Current"/> for the caller: spans of work items that
    /// a loop starts one after another (chunks in flight, chunks in a batch) must be siblings, not each other's children.
    /// </summary>
    public static Activity? StartDetached(ActivitySource source, string name, ActivityKind kind, ActivityContext parent = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var previous = Activity.Current;
        if (parent == default)
        {
            // Without an explicit parent the source would adopt whatever is current; a new root is wanted.
            Activity.Current = null;
        }

        try
        {
            return source.StartActivity(name, kind, parent);
        }
        finally
        {
            Activity.Current = previous;
        }
    }
}
