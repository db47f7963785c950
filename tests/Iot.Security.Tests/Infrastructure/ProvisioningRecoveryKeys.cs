using System.Security.Cryptography;

namespace Iot.Security.Tests.Infrastructure;

/// <summary>Recovery keys as a device makes them: 32 random bytes, base64url.</summary>
public static class DeviceRecoveryKeys
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
