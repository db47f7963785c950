using System.Security.Cryptography;
using System.Text;

namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>
/// <c>X-Iot-Signature: sha256=&lt;hex HMAC-SHA256("&lt;X-Iot-Timestamp&gt;.&lt;body&gt;", secret)&gt;</c>. The timestamp is
/// inside the MAC so a receiver can refuse old replays (compare it with its clock); the delivery id header lets it drop
/// a retry it already handled.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Iot-Signature";
    public const string TimestampHeader = "X-Iot-Timestamp";
    public const string DeliveryHeader = "X-Iot-Delivery";
    public const string Prefix = "sha256=";

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var stamp = Encoding.ASCII.GetBytes(unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        var message = new byte[stamp.Length + body.Length];
        stamp.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(stamp.Length));
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>What a receiver does (and what the tests do): recompute and compare in constant time.</summary>
    public static bool Verify(string secret, string? timestamp, ReadOnlySpan<byte> body, string? signature)
    {
        if (signature is null || !long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ts))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, ts, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
