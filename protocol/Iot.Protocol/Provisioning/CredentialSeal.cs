using System.Security.Cryptography;
using System.Text;
using Iot.Protocol.Serialization;

namespace Iot.Protocol.Provisioning;

/// <summary>
/// Seals a device's credentials to the one-time public key its request carried: ECDH P-256 with an ephemeral cloud
/// key, SHA-256 over the shared secret (with a fixed label) as the AES-256-GCM key. Format, base64:
/// <c>0x01 | len(ephemeral SPKI) u16 BE | ephemeral SPKI | nonce 12 | tag 16 | ciphertext</c>. The answer's nonce is the
/// associated data, so a sealed blob cannot be replayed into another answer.
/// </summary>
public static class CredentialSeal
{
    private const byte Version = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int MaxKeyChars = 512;
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("iot-provision-credentials-v1");

    /// <summary>A new key pair for one request; send <see cref="PublicKey"/> as <see cref="ProvisionRequest.ResponseKey"/>.</summary>
    public static ECDiffieHellman NewKey() => ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    public static string PublicKey(ECDiffieHellman key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToBase64String(key.PublicKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Whether <paramref name="responseKey"/> is a P-256 public key we can seal to.</summary>
    public static bool IsValidKey(string? responseKey) => ImportPublic(responseKey) is { } k && Dispose(k);

    public static string Seal(DeviceCredentials credentials, string responseKey, string answerNonce)
    {
        using var peer = ImportPublic(responseKey) ?? throw new ArgumentException("not a P-256 public key", nameof(responseKey));
        using var ephemeral = NewKey();
        var key = ephemeral.DeriveKeyFromHash(peer.PublicKey, HashAlgorithmName.SHA256, Label, null);
        var spki = ephemeral.PublicKey.ExportSubjectPublicKeyInfo();
        var plain = ProtocolJson.Serialize(credentials);
        var output = new byte[1 + 2 + spki.Length + NonceBytes + TagBytes + plain.Length];
        output[0] = Version;
        output[1] = (byte)(spki.Length >> 8);
        output[2] = (byte)spki.Length;
        spki.CopyTo(output, 3);
        var nonce = output.AsSpan(3 + spki.Length, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plain, output.AsSpan(3 + spki.Length + NonceBytes + TagBytes), output.AsSpan(3 + spki.Length + NonceBytes, TagBytes), Encoding.UTF8.GetBytes(answerNonce));
        CryptographicOperations.ZeroMemory(key);
        return Convert.ToBase64String(output);
    }

    /// <summary>Null when the blob is malformed, sealed to another key or for another answer.</summary>
    public static DeviceCredentials? Open(string sealedCredentials, ECDiffieHellman key, string answerNonce)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var data = Convert.FromBase64String(sealedCredentials);
            if (data.Length < 3 || data[0] != Version)
            {
                return null;
            }

            var spkiLength = (data[1] << 8) | data[2];
            var offset = 3 + spkiLength;
            if (data.Length < offset + NonceBytes + TagBytes)
            {
                return null;
            }

            using var ephemeral = ECDiffieHellman.Create();
            ephemeral.ImportSubjectPublicKeyInfo(data.AsSpan(3, spkiLength), out _);
            var aesKey = key.DeriveKeyFromHash(ephemeral.PublicKey, HashAlgorithmName.SHA256, Label, null);
            var plain = new byte[data.Length - offset - NonceBytes - TagBytes];
            using var aes = new AesGcm(aesKey, TagBytes);
            aes.Decrypt(data.AsSpan(offset, NonceBytes), data.AsSpan(offset + NonceBytes + TagBytes), data.AsSpan(offset + NonceBytes, TagBytes), plain, Encoding.UTF8.GetBytes(answerNonce));
            CryptographicOperations.ZeroMemory(aesKey);
            return ProtocolJson.TryDeserialize<DeviceCredentials>(plain, out _);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    private static ECDiffieHellman? ImportPublic(string? responseKey)
    {
        if (string.IsNullOrEmpty(responseKey) || responseKey.Length > MaxKeyChars)
        {
            return null;
        }

        var key = ECDiffieHellman.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(responseKey), out _);
            var curve = key.ExportParameters(false).Curve.Oid;
            if (key.KeySize == 256 && (curve?.Value == ECCurve.NamedCurves.nistP256.Oid.Value || curve?.FriendlyName is "nistP256" or "ECDSA_P256" or "prime256v1"))
            {
                return key;
            }
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
        }

        key.Dispose();
        return null;
    }

    private static bool Dispose(ECDiffieHellman key)
    {
        key.Dispose();
        return true;
    }
}
