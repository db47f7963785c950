using System.Security.Cryptography;
using System.Text;

namespace Iot.Cloud.Bridge.Broker.Dynsec;

/// <summary>
/// AES-256-GCM for <c>secret_sealed</c> columns. The MQTT username is the associated data, so a sealed secret copied
/// onto another row does not open. Provisioning seals with the same key when it mints a secret.
/// </summary>
public sealed class SecretSealer
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretSealer(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("the sealing key must be 32 bytes", nameof(key));
        }

        _key = key;
    }

    public static SecretSealer FromBase64(string key) => new(Convert.FromBase64String(key));

    public byte[] Seal(string username, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[1 + NonceSize + TagSize + plain.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(1 + NonceSize + TagSize), sealedBytes.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(username));
        return sealedBytes;
    }

    /// <summary>The secret, or null when the blob is damaged, of another version, or sealed for another username/key.</summary>
    public string? Open(string username, byte[] sealedBytes)
    {
        if (sealedBytes.Length < 1 + NonceSize + TagSize || sealedBytes[0] != Version)
        {
            return null;
        }

        var plain = new byte[sealedBytes.Length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(1, NonceSize), sealedBytes.AsSpan(1 + NonceSize + TagSize), sealedBytes.AsSpan(1 + NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(username));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>A keyed fingerprint of a secret, stored in the dynsec client so unchanged passwords are not re-sent.</summary>
    public string Fingerprint(string username, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(username + "\n" + secret)))[..32];
}
