using Iot.Provisioning.Security;

namespace Iot.Dashboard.Auth;

/// <summary>
/// Staff passwords use the same PBKDF2-SHA256 format as device secrets (<see cref="SecretHasher"/>), at the OWASP
/// 2023 work factor for people-chosen passwords.
/// </summary>
public static class PasswordHashing
{
    public const int Iterations = 600_000;

    // Verified when the e-mail is unknown, so a miss costs as much time as a wrong password.
    private static readonly Lazy<string> Decoy = new(() => SecretHasher.Hash(Guid.NewGuid().ToString(), Iterations));

    public static string Hash(string password) => SecretHasher.Hash(password, Iterations);

    public static bool Verify(string password, string? stored) => SecretHasher.Verify(password, stored ?? Decoy.Value);
}
