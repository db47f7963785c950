namespace Iot.Protocol.Topics;

/// <summary>
/// The only place topic strings are built or parsed. Layout: <c>iot/v1/{tenant}/{device}/{kind}</c>.
/// The version sits before the ids so that a v2 tree can live beside v1 on one broker during a fleet upgrade.
/// </summary>
public static class TopicTree
{
    public const string Root = "iot";
    public const string Version = "v1";
    public const string Prefix = Root + "/" + Version + "/";

    /// <summary>Every device's chunk uplink; what the bridge subscribes to.</summary>
    public const string AllChunks = Prefix + "+/+/chunk";

    public const string DefaultSharedGroup = "bridge";

    private static readonly string[] KindNames = Enum.GetNames<TopicKind>().Select(n => n.ToLowerInvariant()).ToArray();

    public static string For(string tenantId, string deviceId, TopicKind kind)
    {
        EnsureValidId(tenantId, nameof(tenantId));
        EnsureValidId(deviceId, nameof(deviceId));
        return Prefix + tenantId + "/" + deviceId + "/" + KindNames[(int)kind];
    }

    public static string Chunk(string tenantId, string deviceId) => For(tenantId, deviceId, TopicKind.Chunk);
    public static string Ack(string tenantId, string deviceId) => For(tenantId, deviceId, TopicKind.Ack);
    public static string Status(string tenantId, string deviceId) => For(tenantId, deviceId, TopicKind.Status);
    public static string Telemetry(string tenantId, string deviceId) => For(tenantId, deviceId, TopicKind.Telemetry);
    public static string Cmd(string tenantId, string deviceId) => For(tenantId, deviceId, TopicKind.Cmd);
    public static string Config(string tenantId, string deviceId) => For(tenantId, deviceId, TopicKind.Config);
    public static string Reported(string tenantId, string deviceId) => For(tenantId, deviceId, TopicKind.Reported);
    public static string CmdResult(string tenantId, string deviceId) => For(tenantId, deviceId, TopicKind.CmdResult);

    /// <summary>Cloud → operators: per-tenant fleet summary (retained), outside the device tree.</summary>
    public static string FleetSummary(string tenantId)
    {
        EnsureValidId(tenantId, nameof(tenantId));
        return "iot/fleet/v1/" + tenantId + "/summary";
    }

    /// <summary>Cloud → operators: a tenant's alert events (<c>AlertEvent</c>, QoS 1, not retained).</summary>
    public static string AlertEvents(string tenantId)
    {
        EnsureValidId(tenantId, nameof(tenantId));
        return "iot/alerts/v1/" + tenantId + "/event";
    }

    /// <summary>
    /// Cloud → operators: alerts about the platform itself (no tenant). "_platform" cannot be a tenant id (ids start
    /// with a letter or digit), so it never collides with <see cref="AlertEvents"/>.
    /// </summary>
    public const string PlatformAlertEvents = "iot/alerts/v1/_platform/event";

    /// <summary>MQTT 5 shared subscription: each message goes to one member of <paramref name="group"/>.</summary>
    public static string Shared(string group, string filter)
    {
        EnsureValidId(group, nameof(group));
        return "$share/" + group + "/" + filter;
    }

    public static bool TryParse(string? topic, out DeviceTopic parsed)
    {
        parsed = default;
        if (topic is null || !topic.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = topic.AsSpan(Prefix.Length);
        Span<Range> ranges = stackalloc Range[4];
        if (parts.Split(ranges, '/') != 3)
        {
            return false;
        }

        var tenant = parts[ranges[0]].ToString();
        var device = parts[ranges[1]].ToString();
        var kindIndex = Array.IndexOf(KindNames, parts[ranges[2]].ToString());
        if (!IsValidId(tenant) || !IsValidId(device) || kindIndex < 0)
        {
            return false;
        }

        parsed = new DeviceTopic(tenant, device, (TopicKind)kindIndex);
        return true;
    }

    /// <summary>
    /// Ids are topic levels and file-path segments, so they are restricted to a set that is safe in both:
    /// 1–64 of [a-z0-9_-], starting with a letter or digit.
    /// </summary>
    public static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > ProtocolLimits.MaxIdLength || !IsAlnum(id[0]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!IsAlnum(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;

        static bool IsAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
    }

    private static void EnsureValidId(string id, string name)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException($"'{id}' is not a valid id: 1-{ProtocolLimits.MaxIdLength} of [a-z0-9_-], starting with a letter or digit.", name);
        }
    }
}
