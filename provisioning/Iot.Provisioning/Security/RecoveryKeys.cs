using System.Security.Cryptography;
using System.Text;

namespace Iot.Provisioning.Security;

/// <summary>
/// A device's recovery key: a random secret it makes at its first provisioning and keeps outside the area a factory
/// reset wipes, presented again to prove it is the same device (the serial and hardware id are public).
/// </summary>
/// <remarks>
/// Hashed with one SHA-256, not PBKDF2: the key is at least 32 characters of device-made randomness, so a slow hash adds
/// no protection against guessing, and every provisioning request would otherwise cost an attacker nothing and the
/// cloud 120k PBKDF2 rounds.
/// </remarks>
public static class RecoveryKeys
{
    public const int MinLength = 32;
    public const int MaxLength = 128;
    private const string Scheme = "sha256$";

    public static bool IsWellFormed(string? key) =>
        key is { Length: >= MinLength and <= MaxLength } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string? HashOrNull(string? key) => IsWellFormed(key) ? Scheme + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(key!))) : null;

    /// <summary>False when either side is missing or malformed; constant time over the hash.</summary>
    public static bool Verify(string? key, string? stored)
    {
        if (!IsWellFormed(key) || stored is null || !stored.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(stored);
        var actual = Encoding.ASCII.GetBytes(HashOrNull(key)!);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
