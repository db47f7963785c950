namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>MQTT topic-filter algebra needed for ACLs: matching a topic, and whether one filter covers another.</summary>
public static class TopicFilter
{
    /// <summary>Does <paramref name="filter"/> match the concrete <paramref name="topic"/>? '$' topics match only filters that name '$' explicitly.</summary>
    public static bool Matches(string filter, string topic)
    {
        if (topic.StartsWith('$') && !filter.StartsWith('$'))
        {
            return false;
        }

        var f = filter.Split('/');
        var t = topic.Split('/');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                return true;
            }

            if (i >= t.Length || (f[i] != "+" && f[i] != t[i]))
            {
                return false;
            }
        }

        return f.Length == t.Length;
    }

    /// <summary>Is every topic that <paramref name="requested"/> matches also matched by <paramref name="allowed"/>?</summary>
    public static bool Covers(string allowed, string requested)
    {
        if (requested.StartsWith('$') != allowed.StartsWith('$'))
        {
            return false;
        }

        var a = allowed.Split('/');
        var r = requested.Split('/');
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == "#")
            {
                return true;
            }

            if (i >= r.Length || r[i] == "#")
            {
                return false;
            }

            if (a[i] != "+" && (r[i] == "+" || a[i] != r[i]))
            {
                return false;
            }
        }

        return a.Length == r.Length;
    }

    /// <summary>The filter without a <c>$share/{group}/</c> prefix; null when the shared form is malformed.</summary>
    public static string? StripShare(string filter)
    {
        if (!filter.StartsWith("$share/", StringComparison.Ordinal))
        {
            return filter;
        }

        var rest = filter["$share/".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 || slash == rest.Length - 1 ? null : rest[(slash + 1)..];
    }
}
