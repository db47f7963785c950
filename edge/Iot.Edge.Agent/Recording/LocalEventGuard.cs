using System.Net;
using System.Security.Cryptography;

using Iot.Edge.Agent.Health;
using Microsoft.AspNetCore.Http;

namespace Iot.Edge.Agent.Recording;

/// <summary>
/// Who may post to <c>/events</c>. Listening on 127.0.0.1 is not enough: any web page open on the desk PC can send a
/// cross-site request there (text/plain needs no CORS preflight), and a DNS-rebinding page reaches it under its own
/// host name. So a request needs all of: a loopback <c>Host</c> (rebinding carries the attacker's name), no
/// <c>Origin</c> unless listed in <c>Health:EventsAllowedOrigins</c> (browsers always send one cross-site; the desk
/// integration is not a browser), <c>Content-Type: application/json</c>, and the bearer token from the token file,
/// which only local accounts allowed to read it (owner and group, 0640) have.
/// </summary>
internal sealed class LocalEventGuard(string token, IReadOnlyCollection<string> allowedOrigins)
{
    private readonly byte[] _token = System.Text.Encoding.UTF8.GetBytes(token);

    /// <summary>Null when the request may go on; else the status code and reason to answer.</summary>
    public (int Status, string Reason)? Refusal(HttpRequest request)
    {
        if (!IsLoopbackHost(request.Host))
        {
            return (StatusCodes.Status421MisdirectedRequest, "Host must be 127.0.0.1, [::1] or localhost");
        }

        if (request.Headers.Origin is { Count: > 0 } origin && !allowedOrigins.Contains(origin.ToString(), StringComparer.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status403Forbidden, "requests from web pages are not accepted (Origin not in Health:EventsAllowedOrigins)");
        }

        if (!string.Equals(request.GetTypedHeaders().ContentType?.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json");
        }

        var authorization = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        var presented = authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? System.Text.Encoding.UTF8.GetBytes(authorization[prefix.Length..].Trim()) : [];
        return CryptographicOperations.FixedTimeEquals(presented, _token)
            ? null
            : (StatusCodes.Status401Unauthorized, "bearer token missing or wrong (see the agent's events.token file)");
    }

    private static bool IsLoopbackHost(HostString host)
    {
        var name = host.Host;
        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(name.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>
    /// The token in <paramref name="path"/>, created on first start (32 random bytes, base64url) with mode 0640 on
    /// Unix: readable by the agent's group, where the desk integration's account belongs. An existing token is kept
    /// across restarts, so the integration reads it once.
    /// </summary>
    public static string LoadOrCreateToken(string path)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= 32 } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        }

        using (var file = new FileStream(temp, options))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(token + "\n"));
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);

        // Set after creation: the service's UMask (0077) would have narrowed the create mode to 0600.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }

        return token;
    }

    /// <summary>The configured token file, or <c>events.token</c> in the spool directory.</summary>
    public static string TokenPath(HealthOptions health, string spoolDirectory) =>
        string.IsNullOrWhiteSpace(health.EventsTokenFile) ? Path.Combine(spoolDirectory, "events.token") : health.EventsTokenFile;
}
