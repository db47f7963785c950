using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Iot.Edge.Agent.Hosting;
using MQTTnet;

namespace Iot.Edge.Agent.Uplink;

/// <summary>Applies <c>Mqtt:Tls</c> to a client's options; shared by the claim connection and the device's own.</summary>
internal static class MqttTls
{
    public static MqttClientOptionsBuilder Apply(this MqttClientOptionsBuilder builder, MqttTlsOptions tls, string host)
    {
        if (!tls.Enabled)
        {
            return builder;
        }

        var trusted = string.IsNullOrWhiteSpace(tls.CaFile) ? null : LoadCa(tls.CaFile);
        var client = string.IsNullOrWhiteSpace(tls.ClientCertificateFile) ? null : Iot.Protocol.Security.PemCertificate.LoadWithKey(tls.ClientCertificateFile, tls.ClientKeyFile!);
        return builder.WithTlsOptions(o =>
        {
            o.UseTls()
                .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                .WithTargetHost(string.IsNullOrWhiteSpace(tls.ServerName) ? host : tls.ServerName);
            if (trusted is not null)
            {
                // A private CA replaces the OS store instead of adding to it: only the operator's broker is trusted.
                o.WithCertificateValidationHandler(e => IsTrusted(e.Certificate, e.SslPolicyErrors, trusted));
            }

            if (client is not null)
            {
                o.WithClientCertificates([client]);
            }
        });
    }

    public static X509Certificate2Collection LoadCa(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        if (collection.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no PEM certificate");
        }

        return collection;
    }

    private static bool IsTrusted(X509Certificate? presented, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (presented is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var certificate = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
