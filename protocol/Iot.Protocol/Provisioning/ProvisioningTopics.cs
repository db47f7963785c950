using Iot.Protocol.Topics;

namespace Iot.Protocol.Provisioning;

/// <summary>
/// Provisioning lives in its own tree, <c>iot/provision/v1/{serial}/{request|response}</c>, so a claim credential can
/// be confined to it without ever matching a device topic.
/// </summary>
public static class ProvisioningTopics
{
    public const string Prefix = "iot/provision/v1/";
    public const string AllRequests = Prefix + "+/request";

    public static string Request(string serial) => Prefix + Checked(serial) + "/request";

    public static string Response(string serial) => Prefix + Checked(serial) + "/response";

    public static bool TryParseRequest(string? topic, out string serial)
    {
        serial = "";
        if (topic is null || !topic.StartsWith(Prefix, StringComparison.Ordinal) || !topic.EndsWith("/request", StringComparison.Ordinal))
        {
            return false;
        }

        var middle = topic[Prefix.Length..^"/request".Length];
        if (!TopicTree.IsValidId(middle))
        {
            return false;
        }

        serial = middle;
        return true;
    }

    private static string Checked(string serial) =>
        TopicTree.IsValidId(serial) ? serial : throw new ArgumentException($"'{serial}' is not a valid serial: 1-64 of [a-z0-9_-]", nameof(serial));
}
