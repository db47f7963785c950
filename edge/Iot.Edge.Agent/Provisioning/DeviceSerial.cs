using System.Text;
using Iot.Protocol.Topics;

namespace Iot.Edge.Agent.Provisioning;

internal static class DeviceSerial
{
    /// <summary>The configured serial, else the hardware id folded into the topic-safe alphabet.</summary>
    public static string Resolve(string? configured, string hardwareId)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var builder = new StringBuilder(hardwareId.Length);
        foreach (var c in hardwareId.ToLowerInvariant())
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' ? c : '-');
        }

        var serial = builder.ToString().TrimStart('-', '_');
        serial = serial.Length > 64 ? serial[..64] : serial;
        return TopicTree.IsValidId(serial) ? serial : throw new InvalidOperationException($"cannot derive a serial from hardware id '{hardwareId}'; set Provisioning:Serial");
    }
}
