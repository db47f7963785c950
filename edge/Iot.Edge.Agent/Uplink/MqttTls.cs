using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Iot.Edge.Agent.Hosting;
using MQTTnet;

namespace Iot.Edge.Agent.Uplink;

/// <summary>
/// How the agent reaches a broker, shared by the claim connection and the device's own: TLS when <c>Mqtt:Tls:Enabled</c>
/// or the claim bundle carries a CA (that CA, or <c>Mqtt:Tls:CaFile</c>, is then the only one trusted); plain MQTT only
/// to loopback or with <c>Mqtt:AllowPlaintext</c>.
/// </summary>
internal static class MqttTls
{
    public static bool UsesTls(MqttOptions mqtt, string? pinnedCa) => mqtt.Tls.Enabled || !string.IsNullOrWhiteSpace(pinnedCa);

    /// <summary>Why a connection to <paramref name="host"/> must not be made, or null when it may.</summary>
    public static string? PlaintextRefusal(MqttOptions mqtt, string host, string? pinnedCa) =>
        UsesTls(mqtt, pinnedCa) || mqtt.AllowPlaintext || IsLoopback(host)
            ? null
            : $"{MqttOptions.Section}:AllowPlaintext is false and broker {host} is not on this machine: MQTT would be plain text. "
              + $"Use a claim bundle with the broker's CA, or set {MqttOptions.Section}:Tls:Enabled=true (with {MqttOptions.Section}:Tls:CaFile), "
              + $"or {MqttOptions.Section}:AllowPlaintext=true on a network you trust";

    /// <summary>Only literal loopback counts: a name could resolve anywhere tomorrow.</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <exception cref="PlaintextRefusedException">Plain MQTT off loopback without <c>Mqtt:AllowPlaintext</c>.</exception>
    public static MqttClientOptionsBuilder Apply(this MqttClientOptionsBuilder builder, MqttOptions mqtt, string host, string? pinnedCa)
    {
        if (PlaintextRefusal(mqtt, host, pinnedCa) is { } refusal)
        {
            throw new PlaintextRefusedException(refusal);
        }

        if (!UsesTls(mqtt, pinnedCa))
        {
            return builder;
        }

        var tls = mqtt.Tls;

        // Configuration wins over the bundle: an operator who set a CA file meant it.
        var trusted = !string.IsNullOrWhiteSpace(tls.CaFile) ? LoadCa(tls.CaFile)
            : !string.IsNullOrWhiteSpace(pinnedCa) ? ParseCa(pinnedCa)
            : null;
        var client = string.IsNullOrWhiteSpace(tls.ClientCertificateFile) ? null : Iot.Protocol.Security.PemCertificate.LoadWithKey(tls.ClientCertificateFile, tls.ClientKeyFile!);
        var skipName = tls.SkipHostnameCheck && trusted is not null;
        return builder.WithTlsOptions(o =>
        {
            o.UseTls()
                .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                .WithTargetHost(string.IsNullOrWhiteSpace(tls.ServerName) ? host : tls.ServerName);
            if (trusted is not null)
            {
                // A private CA replaces the OS store instead of adding to it: only the operator's broker is trusted.
                o.WithCertificateValidationHandler(e => IsTrusted(e.Certificate, e.SslPolicyErrors, trusted, skipName));
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

    public static X509Certificate2Collection ParseCa(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        if (collection.Count == 0)
        {
            throw new InvalidDataException("no PEM certificate");
        }

        return collection;
    }

    private static bool IsTrusted(X509Certificate? presented, SslPolicyErrors errors, X509Certificate2Collection trusted, bool skipName)
    {
        var fatal = SslPolicyErrors.RemoteCertificateNotAvailable | (skipName ? SslPolicyErrors.None : SslPolicyErrors.RemoteCertificateNameMismatch);
        if (presented is null || (errors & fatal) != 0)
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

/// <summary>The agent would have sent its credentials in plain text to a broker off this machine.</summary>
public sealed class PlaintextRefusedException(string message) : Exception(message);
