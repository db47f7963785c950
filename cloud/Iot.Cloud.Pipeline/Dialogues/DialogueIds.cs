using System.Security.Cryptography;
using System.Text;

namespace Iot.Cloud.Pipeline.Dialogues;

/// <summary>
/// Dialogue ids are derived from what defines the dialogue, not minted: rebuilding the same segments gives the same
/// ids, whichever order the chunks arrived in and whichever worker rebuilt them.
/// </summary>
internal static class DialogueIds
{
    public static Guid ForTransaction(string tenantId, string deviceId, string transactionId) =>
        Derive($"tx\n{tenantId}\n{deviceId}\n{transactionId}");

    /// <summary>A gap dialogue is named by its first speech segment.</summary>
    public static Guid ForGap(string deviceId, Guid firstChunkId, int firstStartMs) =>
        Derive($"gap\n{deviceId}\n{firstChunkId:n}\n{firstStartMs}");

    private static Guid Derive(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        var bytes = hash[..16];

        // RFC 9562 version 8 (custom) with the RFC variant, so the value is a well-formed UUID.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
