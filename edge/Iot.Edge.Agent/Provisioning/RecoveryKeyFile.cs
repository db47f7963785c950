using System.Security.Cryptography;

namespace Iot.Edge.Agent.Provisioning;

/// <summary>
/// The device's recovery key: 32 random bytes (base64url) made the first time the device asks for an identity and kept
/// outside what a factory reset or re-provision deletes (default: beside the claim file, not beside the credentials).
/// The cloud keeps its hash and re-provisions this device unattended only when it presents the key again; the serial
/// and hardware id are printed on the case and prove nothing.
/// </summary>
public static class RecoveryKeyFile
{
    private const int KeyBytes = 32;

    /// <summary>The key at <paramref name="path"/>, created (0600, atomically) when absent; a malformed file is an error, not replaced.</summary>
    public static string LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            return IsWellFormed(existing) ? existing : throw new InvalidDataException($"recovery key file {path} is malformed; restore it or delete it (the next re-provisioning then needs an operator)");
        }

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(key));
            stream.Flush(flushToDisk: true);
        }

        // Never overwrite a key another process wrote meanwhile: the cloud may already hold that one's hash.
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return LoadOrCreate(path);
        }

        return key;
    }

    private static bool IsWellFormed(string key) =>
        key.Length is >= 32 and <= 128 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
