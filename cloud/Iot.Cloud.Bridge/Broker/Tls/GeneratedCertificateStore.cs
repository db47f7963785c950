using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Iot.Cloud.Bridge.Broker.Tls;

/// <summary>
/// The bridge's own PKI for a broker nobody gave a certificate: a private CA (made once, kept; devices pin it through their
/// claim bundle) and a server certificate signed by it (re-issued whenever it no longer fits). The CA certificate is the
/// commit point: a key without its certificate is an interrupted first start and is replaced; a certificate that cannot
/// be used stops the bridge, because a silently new CA would cut off every device that trusts the old one.
/// </summary>
internal sealed partial class GeneratedCertificateStore(string directory, TimeProvider time, ILogger logger)
{
    public const string CaCertificateFile = "ca.crt";
    public const string CaKeyFile = "ca.key";
    public const string ServerCertificateFile = "server.crt";
    public const string ServerKeyFile = "server.key";
    private const string Key = BrokerOptions.Section + ":Tls:Directory";

    public string CaCertificatePath => Path.Combine(directory, CaCertificateFile);

    /// <summary>The server certificate with its key, ready for the TLS listener.</summary>
    public async Task<X509Certificate2> LoadOrCreateAsync(ServerNames names, CancellationToken ct)
    {
        try
        {
            PrivateFiles.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Fail($"{directory} cannot be created: {ex.Message}");
        }

        await using var held = await LockAsync(ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        using var ca = LoadOrCreateCa(now);
        return LoadOrCreateServer(ca, names, now);
    }

    private X509Certificate2 LoadOrCreateCa(DateTimeOffset now)
    {
        var crt = Path.Combine(directory, CaCertificateFile);
        var key = Path.Combine(directory, CaKeyFile);
        if (!File.Exists(crt))
        {
            if (File.Exists(key))
            {
                LogIncompleteCa(key);
            }

            var created = CertificateIssuer.CreateCa($"CN=IoT bridge CA {Environment.MachineName} {now:yyyy-MM-dd}, O=iot-bridge", now);
            PrivateFiles.WriteTemp(key, CertificateIssuer.KeyPem(created));
            PrivateFiles.WriteTemp(crt, created.ExportCertificatePem());
            PrivateFiles.Commit(key);
            PrivateFiles.Commit(crt);
            LogCaCreated(crt, Fingerprint(created), created.NotAfter);
            return created;
        }

        if (!File.Exists(key))
        {
            throw Fail($"{crt} exists but its key {key} does not. Devices trust this CA, so it is not replaced silently: restore the key, or delete {crt} to make a new CA (every device then needs a new claim bundle)");
        }

        X509Certificate2 ca;
        try
        {
            ca = X509Certificate2.CreateFromPemFile(crt, key);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw Fail($"{crt} with {key} is not a usable CA ({ex.Message}). Devices trust this CA, so it is not replaced silently: restore both files, or delete them to make a new CA (every device then needs a new claim bundle)");
        }

        var problem = ca.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority) ? null
            : "is not a CA certificate";
        problem ??= now < ca.NotBefore.ToUniversalTime() ? $"is not valid before {ca.NotBefore.ToUniversalTime():u}" : null;
        problem ??= now > ca.NotAfter.ToUniversalTime() ? $"expired {ca.NotAfter.ToUniversalTime():u}" : null;
        if (problem is not null)
        {
            ca.Dispose();
            throw Fail($"{crt} {problem}. Delete {crt} and {key} to make a new CA (every device then needs a new claim bundle)");
        }

        if (PrivateFiles.IsOpenToOthers(key))
        {
            PrivateFiles.Tighten(key);
            LogTightened(key);
        }

        LogCaLoaded(crt, Fingerprint(ca), ca.NotAfter);
        return ca;
    }

    private X509Certificate2 LoadOrCreateServer(X509Certificate2 ca, ServerNames names, DateTimeOffset now)
    {
        var crt = Path.Combine(directory, ServerCertificateFile);
        var key = Path.Combine(directory, ServerKeyFile);
        var reason = WhyReissue(crt, key, ca, names, now);
        if (reason is null)
        {
            if (PrivateFiles.IsOpenToOthers(key))
            {
                PrivateFiles.Tighten(key);
                LogTightened(key);
            }

            return Iot.Mqtt.PemCertificate.LoadWithKey(crt, key);
        }

        using (var server = CertificateIssuer.CreateServer(ca, names, now))
        {
            // Key before certificate: a crash in between leaves a pair that does not match, which the next start re-issues.
            PrivateFiles.WriteTemp(key, CertificateIssuer.KeyPem(server));
            PrivateFiles.WriteTemp(crt, server.ExportCertificatePem());
            PrivateFiles.Commit(key);
            PrivateFiles.Commit(crt);
            LogServerIssued(crt, reason, names.ToString(), server.NotAfter);
        }

        return Iot.Mqtt.PemCertificate.LoadWithKey(crt, key);
    }

    /// <summary>Null when the stored server certificate can be served as it is; otherwise why it is re-issued.</summary>
    private static string? WhyReissue(string crt, string key, X509Certificate2 ca, ServerNames names, DateTimeOffset now)
    {
        if (!File.Exists(crt) || !File.Exists(key))
        {
            return "none yet";
        }

        X509Certificate2 server;
        try
        {
            server = X509Certificate2.CreateFromPemFile(crt, key);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return "unreadable or key does not match: " + ex.Message;
        }

        using (server)
        {
            if (now > server.NotAfter.ToUniversalTime() - CertificateIssuer.RenewBefore)
            {
                return $"expires {server.NotAfter.ToUniversalTime():u}";
            }

            if (now < server.NotBefore.ToUniversalTime())
            {
                return $"not valid before {server.NotBefore.ToUniversalTime():u}";
            }

            if (!CertificateIssuer.IsIssuedBy(server, ca, now))
            {
                return "not signed by this CA";
            }

            var san = server.Extensions.FirstOrDefault(e => e.Oid?.Value == "2.5.29.17") is { } raw
                ? new X509SubjectAlternativeNameExtension(raw.RawData, raw.Critical)
                : null;
            if (san is null || !names.CoveredBy(san.EnumerateDnsNames(), san.EnumerateIPAddresses()))
            {
                return "host names changed";
            }
        }

        return null;
    }

    private async Task<FileStream> LockAsync(CancellationToken ct)
    {
        // Two bridges sharing a storage root may start together; one makes the CA, the other then loads it.
        var path = Path.Combine(directory, ".lock");
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = PrivateFiles.FileMode;
                }

                return new FileStream(path, options);
            }
            catch (IOException) when (time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw Fail($"{path} cannot be locked: {ex.Message}");
            }
        }
    }

    private static string Fingerprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    private static OptionsValidationException Fail(string message) =>
        new(BrokerOptions.Section, typeof(BrokerOptions), [$"{Key}: {message}"]);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker CA created: {Path} (SHA-256 {Fingerprint}, valid until {NotAfter:u}). Devices pin it: hand it out in claim bundles and back up the directory")]
    private partial void LogCaCreated(string path, string fingerprint, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker CA {Path} (SHA-256 {Fingerprint}, valid until {NotAfter:u})")]
    private partial void LogCaLoaded(string path, string fingerprint, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "CA key {Path} without its certificate (a first start was interrupted); making the CA again")]
    private partial void LogIncompleteCa(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker server certificate {Path} issued ({Reason}) for {Names}, valid until {NotAfter:u}")]
    private partial void LogServerIssued(string path, string reason, string names, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Private key {Path} was readable by group or others; now 0600")]
    private partial void LogTightened(string path);
}
