using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Iot.Provisioning.Admin;

/// <summary>
/// The file an installer puts on a new device (the agent's <c>Provisioning:ClaimPath</c>): the claim credential, the
/// broker devices reach, and the broker's CA as PEM. With the CA the agent speaks TLS to that broker and trusts nothing
/// else there, so the claim secret and the password the cloud hands back never cross the network in clear.
/// </summary>
public static class ClaimBundle
{
    public static byte[] Serialize(ClaimToken claim, string broker, string? caPem)
    {
        ArgumentNullException.ThrowIfNull(claim);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("claimId", claim.ClaimId);
            json.WriteString("secret", claim.Secret);
            json.WriteString("broker", broker);
            if (caPem is not null)
            {
                json.WriteString("caCertificate", caPem);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Written owner-only (0600) from creation and renamed into place: it holds the claim secret.</summary>
    public static void Write(string path, ClaimToken claim, string broker, string? caPem)
    {
        var full = Path.GetFullPath(path);
        var temp = full + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(Serialize(claim, broker, caPem));
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, full, overwrite: true);
    }

    /// <summary>
    /// The CA certificates of a PEM file, re-encoded (private keys or other blocks in the file are never copied into a
    /// bundle). Throws <see cref="InvalidDataException"/> when it holds no certificate or one that is not a CA.
    /// </summary>
    public static string ReadCa(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        if (collection.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no PEM certificate");
        }

        var pem = new System.Text.StringBuilder();
        foreach (var certificate in collection)
        {
            using (certificate)
            {
                if (!certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority))
                {
                    throw new InvalidDataException($"{path}: {certificate.Subject} is not a CA certificate");
                }

                pem.Append(certificate.ExportCertificatePem()).Append('\n');
            }
        }

        return pem.ToString();
    }
}
