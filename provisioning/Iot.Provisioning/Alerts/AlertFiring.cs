using System.Globalization;

namespace Iot.Provisioning.Alerts;

/// <summary>
/// One cause a rule finds firing in a pass: (tenant, rule, subject) names it, and is what keeps it to one open alert.
/// <paramref name="TenantId"/> null = a platform cause.
/// </summary>
public sealed record AlertFiring(
    string? TenantId,
    string? BranchId,
    string? DeviceId,
    string Rule,
    string Subject,
    string Severity,
    string Summary,
    double Value,
    double Threshold,
    string Unit,
    IReadOnlyDictionary<string, object?>? Extra = null)
{
    /// <summary><c>alerts.details</c>: value, threshold and unit, and what the rule adds (a reason, an expiry).</summary>
    public Dictionary<string, object?> Details()
    {
        var details = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["value"] = Math.Round(Value, 2),
            ["threshold"] = Threshold,
            ["unit"] = Unit,
        };
        foreach (var (k, v) in Extra ?? new Dictionary<string, object?>())
        {
            details[k] = v;
        }

        return details;
    }

    internal static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A certificate the platform depends on, watched by the certificate-expiry rule.</summary>
public sealed record WatchedCertificate(string Name, string Subject, DateTimeOffset NotAfter);

/// <summary>
/// Where the evaluator learns which certificates to watch. The bridge supplies its broker's TLS certificate; this library
/// does not know the bridge, and a host without one watches nothing.
/// </summary>
public interface ICertificateExpirySource
{
    IReadOnlyList<WatchedCertificate> Certificates();
}

internal sealed class NoCertificates : ICertificateExpirySource
{
    public IReadOnlyList<WatchedCertificate> Certificates() => [];
}
