using System.Security.Cryptography;

namespace Iot.Provisioning.Security;

public static class SecretGenerator
{
    /// <summary>32 random bytes as unpadded base64url: safe in MQTT passwords, config files and shell arguments.</summary>
    public static string NewSecret(int bytes = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 32);
        return Base64Url(RandomNumberGenerator.GetBytes(bytes));
    }

    /// <summary>A short id that is also a valid topic/id segment ([a-z0-9]).</summary>
    public static string NewId(int length = 12)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }

    private static string Base64Url(byte[] data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
