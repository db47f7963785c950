using System.Net;
using System.Security.Cryptography.X509Certificates;
using Iot.Edge.Agent.Hosting;
using Iot.Mqtt;

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

    /// <summary>The TLS part of a connection to <paramref name="host"/>, or null for plain MQTT (loopback or allowed).</summary>
    /// <exception cref="PlaintextRefusedException">Plain MQTT off loopback without <c>Mqtt:AllowPlaintext</c>.</exception>
    public static MqttTlsSettings? Settings(MqttOptions mqtt, string host, string? pinnedCa)
    {
        if (PlaintextRefusal(mqtt, host, pinnedCa) is { } refusal)
        {
            throw new PlaintextRefusedException(refusal);
        }

        if (!UsesTls(mqtt, pinnedCa))
        {
            return null;
        }

        var tls = mqtt.Tls;

        // Configuration wins over the bundle: an operator who set a CA file meant it.
        var trusted = !string.IsNullOrWhiteSpace(tls.CaFile) ? LoadCa(tls.CaFile)
            : !string.IsNullOrWhiteSpace(pinnedCa) ? ParseCa(pinnedCa)
            : null;
        return new MqttTlsSettings
        {
            TrustedCa = trusted,
            ServerName = string.IsNullOrWhiteSpace(tls.ServerName) ? null : tls.ServerName,
            ClientCertificate = string.IsNullOrWhiteSpace(tls.ClientCertificateFile) ? null : Iot.Mqtt.PemCertificate.LoadWithKey(tls.ClientCertificateFile, tls.ClientKeyFile!),
            SkipHostnameCheck = tls.SkipHostnameCheck && trusted is not null,
        };
    }

    public static X509Certificate2Collection LoadCa(string path) => MqttTlsSettings.LoadCa(path);

    public static X509Certificate2Collection ParseCa(string pem) => MqttTlsSettings.ParseCa(pem);
}

/// <summary>The agent would have sent its credentials in plain text to a broker off this machine.</summary>
public sealed class PlaintextRefusedException(string message) : Exception(message);
