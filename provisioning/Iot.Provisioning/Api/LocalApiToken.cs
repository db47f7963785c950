using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Iot.Provisioning.Api;

/// <summary>
/// With no caller configured, the bridge mints one random token per start for the <c>local</c> caller and writes it to
/// <see cref="ProvisioningApiOptions.TokenFile"/> with mode 0600: whoever can read the bridge's own files (the
/// dashboard and iotctl run by the same user on the same box) may act; nobody else learns it. A configured caller list
/// turns this off, so production never has an unlisted caller.
/// </summary>
public sealed class LocalApiToken
{
    public LocalApiToken(IOptions<ProvisioningApiOptions> options)
    {
        var o = options.Value;
        if (o.Enabled && o.Callers.Count == 0)
        {
            Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            Path = o.TokenFile;
        }
    }

    /// <summary>Null when callers are configured (or the API is off).</summary>
    public string? Token { get; }

    public string? Path { get; }

    /// <summary>Writes the token to a fresh 0600 file (replacing an older one atomically, so no reader sees half of it).</summary>
    public async Task WriteAsync(CancellationToken ct)
    {
        if (Token is null || string.IsNullOrEmpty(Path))
        {
            return;
        }

        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(directory);
        // Unique per write, not per process: two bridges in one process (tests, an embedded pair) writing the same token
        // path at once raced on one temp file ("file in use" / a move of a file the other had just moved).
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Environment.ProcessId}.{Guid.NewGuid():n}.tmp");
        var mode = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            mode.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(temp, mode))
        {
            await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes(Token + "\n"), ct).ConfigureAwait(false);
            await file.FlushAsync(ct).ConfigureAwait(false);
        }

        File.Move(temp, Path, overwrite: true);
    }
}
