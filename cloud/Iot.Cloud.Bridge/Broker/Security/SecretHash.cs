using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>
/// Verifies <c>pbkdf2-sha256$iterations$salt-b64$hash-b64</c>, the format provisioning writes, with provisioning's own
/// verifier, so the two cannot drift apart.
/// </summary>
public static class SecretHash
{
    public const string Scheme = "pbkdf2-sha256";

    public static bool Verify(string? password, string? stored) => Iot.Provisioning.Security.SecretHasher.Verify(password ?? "", stored);

    /// <summary>Produces the same format; for seeding demo devices and tests (provisioning has its own hasher).</summary>
    public static string Create(string password, int iterations = 100_000)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }
}
