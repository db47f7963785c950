using System.Text.Json;
using Iot.Edge.Agent.Hosting;

namespace Iot.Edge.Agent.Provisioning;

/// <summary>
/// The installer's one-time claim bundle: who may ask for an identity, where, and (<see cref="CaCertificate"/>, PEM) the
/// only CA the agent trusts for that broker. A bundle with a CA means TLS for the claim and for the device afterwards.
/// </summary>
public sealed record ClaimFile(string ClaimId, string Secret, string Broker, string? CaCertificate = null)
{
    public Uplink.BrokerEndpoint Endpoint => BrokerAddress.Parse(Broker);

    // A record prints every member; the secret must never reach a log line by accident.
    public override string ToString() => $"claim {ClaimId} @ {Broker}";

    /// <summary>Null when the file is absent; throws <see cref="InvalidDataException"/> when it is there but unusable.</summary>
    public static ClaimFile? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        ClaimFile? claim;
        try
        {
            claim = JsonSerializer.Deserialize(File.ReadAllBytes(path), AgentJsonContext.Default.ClaimFile);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"claim file {path} is not valid JSON: {ex.Message}", ex);
        }

        if (claim is null || string.IsNullOrWhiteSpace(claim.ClaimId) || string.IsNullOrEmpty(claim.Secret) || string.IsNullOrWhiteSpace(claim.Broker))
        {
            throw new InvalidDataException($"claim file {path} needs claimId, secret and broker");
        }

        _ = claim.Endpoint;
        if (claim.CaCertificate is { } ca)
        {
            try
            {
                Uplink.MqttTls.ParseCa(ca);
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or InvalidDataException)
            {
                throw new InvalidDataException($"claim file {path}: caCertificate is not a PEM certificate: {ex.Message}", ex);
            }
        }

        return claim;
    }
}
