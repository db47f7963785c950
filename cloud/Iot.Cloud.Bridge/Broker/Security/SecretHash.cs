using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Iot.Cloud.Bridge.Broker.Security;

/// <summary>
/// Verifies <c>pbkdf2-sha256$iterations$salt-b64$hash-b64</c>, the format provisioning writes. Kept here rather than
/// referencing the provisioning library so the broker has no dependency on it; the format is the contract.
/// </summary>
public static class SecretHash
{
    public const string Scheme = "pbkdf2-sha256";

    // A stored hash with absurd iterations would turn every CONNECT into a CPU burn.
    private const int MaxIterations = 5_000_000;

    public static bool Verify(string? password, string? stored)
    {
        if (string.IsNullOrEmpty(password) || string.IsNullOrEmpty(stored))
        {
            return false;
        }

        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations is < 1 or > MaxIterations)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (salt.Length == 0 || expected.Length is < 16 or > 64)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Produces the same format; for seeding demo devices and tests (provisioning has its own hasher).</summary>
    public static string Create(string password, int iterations = 100_000)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }
}
