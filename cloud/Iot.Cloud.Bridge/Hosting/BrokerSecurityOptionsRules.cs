using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Broker.Security;

namespace Iot.Cloud.Bridge.Hosting;

/// <summary>Start-up checks for <c>Broker:ServiceAccounts</c> and <c>Broker:Dynsec</c>.</summary>
internal static class BrokerSecurityOptionsRules
{
    public static IEnumerable<string> Check(BrokerOptions o)
    {
        const string s = BrokerOptions.Section;
        foreach (var (name, secret) in o.ServiceAccounts)
        {
            if (!ServiceNames.All.Contains(name))
            {
                yield return $"{s}:ServiceAccounts:{name} is not a known service (known: {string.Join(", ", ServiceNames.All)})";
            }
            else if (string.IsNullOrEmpty(secret) || secret.Length < 16)
            {
                yield return $"{s}:ServiceAccounts:{name} must be a secret of at least 16 characters";
            }
        }

        if (!o.Dynsec.Enabled)
        {
            yield break;
        }

        if (o.Mode != BrokerMode.External)
        {
            yield return $"{s}:Dynsec:Enabled needs {s}:Mode External (Mosquitto)";
        }

        if (string.IsNullOrEmpty(o.Dynsec.AdminUsername) || string.IsNullOrEmpty(o.Dynsec.AdminPassword))
        {
            yield return $"{s}:Dynsec:AdminUsername and {s}:Dynsec:AdminPassword must be set when {s}:Dynsec:Enabled is true";
        }

        if (!IsKey(o.Dynsec.SecretKey))
        {
            yield return $"{s}:Dynsec:SecretKey must be the base64 of 32 random bytes when {s}:Dynsec:Enabled is true";
        }

        if (o.Dynsec.ReconcileSeconds is < 1 or > 3600)
        {
            yield return $"{s}:Dynsec:ReconcileSeconds {o.Dynsec.ReconcileSeconds} must be 1..3600";
        }
    }

    private static bool IsKey(string value)
    {
        Span<byte> buffer = stackalloc byte[48];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }
}
