using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Iot.Cloud.Bridge.Broker.Tls;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Broker.Tests;

/// <summary>
/// The CA and server certificate a bridge makes for itself when none is configured (issue 15 item 5): real files in a
/// real directory, reloaded the way a restart reloads them.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are the point; the bridge's CI runs on Linux
public sealed class GeneratedBrokerCertificateTests : IDisposable
{
    private static readonly ServerNames Names = new(["bridge.test", "localhost"], [IPAddress.Loopback, IPAddress.Parse("192.0.2.44")]);
    private readonly TempDirectory _dir = new("iot-broker-pki");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private string Tls => _dir.Sub("tls");

    private string File_(string name) => Path.Combine(Tls, name);

    [Fact]
    public async Task The_ca_and_server_certificate_are_owner_only_and_survive_a_restart_unchanged()
    {
        using var first = await LoadAsync();
        var ca = CaFingerprint();

        using var second = await LoadAsync();

        Assert.Equal(ca, CaFingerprint());
        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.True(second.HasPrivateKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Tls));
        foreach (var name in new[] { "ca.crt", "ca.key", "server.crt", "server.key" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(File_(name)));
        }

        Assert.Empty(Directory.GetFiles(Tls, "*.tmp"));
        AssertIssuedByCa(second);
        Assert.Equal("1.2.840.10045.3.1.7", second.GetECDsaPublicKey()!.ExportParameters(false).Curve.Oid.Value); // P-256
    }

    [Fact]
    public async Task A_corrupt_server_certificate_is_reissued_under_the_same_ca()
    {
        using var first = await LoadAsync();
        var ca = CaFingerprint();
        await File.WriteAllTextAsync(File_("server.crt"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");

        using var second = await LoadAsync();

        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
        Assert.Equal(ca, CaFingerprint());
        AssertIssuedByCa(second);
    }

    [Fact]
    public async Task A_server_key_that_does_not_match_its_certificate_is_reissued()
    {
        using var first = await LoadAsync();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(File_("server.key"), other.ExportPkcs8PrivateKeyPem());

        using var second = await LoadAsync();

        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
        AssertIssuedByCa(second);
    }

    [Fact]
    public async Task A_server_certificate_near_expiry_is_reissued_but_the_ca_is_kept()
    {
        using var first = await LoadAsync();
        var ca = CaFingerprint();
        _time.Advance(TimeSpan.FromDays(2 * 365) - TimeSpan.FromDays(30));

        using var second = await LoadAsync();

        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
        Assert.True(second.NotAfter.ToUniversalTime() > _time.GetUtcNow().AddDays(365));
        Assert.Equal(ca, CaFingerprint());
    }

    [Fact]
    public async Task A_server_certificate_from_another_ca_is_reissued()
    {
        using (await LoadAsync())
        {
        }

        using var foreignDir = new TempDirectory("iot-broker-pki-foreign");
        using (await new GeneratedCertificateStore(foreignDir.Path, _time, NullLogger.Instance).LoadOrCreateAsync(Names, default))
        {
        }

        File.Copy(Path.Combine(foreignDir.Path, "server.crt"), File_("server.crt"), overwrite: true);
        File.Copy(Path.Combine(foreignDir.Path, "server.key"), File_("server.key"), overwrite: true);

        using var reloaded = await LoadAsync();

        AssertIssuedByCa(reloaded);
    }

    [Fact]
    public async Task New_host_names_reissue_the_server_certificate_under_the_same_ca()
    {
        using var first = await LoadAsync();

        using var second = await new GeneratedCertificateStore(Tls, _time, NullLogger.Instance)
            .LoadOrCreateAsync(Names with { DnsNames = [.. Names.DnsNames, "mqtt.store-17.example"] }, default);

        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
        Assert.Contains("mqtt.store-17.example", SanDnsNames(second));
        AssertIssuedByCa(second);
    }

    [Fact]
    public async Task A_corrupt_ca_stops_start_up_naming_the_directory_and_is_not_replaced()
    {
        using (await LoadAsync())
        {
        }

        const string garbage = "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n";
        await File.WriteAllTextAsync(File_("ca.crt"), garbage);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(LoadAsync);

        Assert.StartsWith("Broker:Tls:Directory: ", Assert.Single(ex.Failures), StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllTextAsync(File_("ca.crt")));
    }

    [Fact]
    public async Task A_ca_certificate_without_its_key_stops_start_up()
    {
        using (await LoadAsync())
        {
        }

        File.Delete(File_("ca.key"));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(LoadAsync);

        Assert.Contains("ca.key", Assert.Single(ex.Failures), StringComparison.Ordinal);
        Assert.True(File.Exists(File_("ca.crt")));
    }

    [Fact]
    public async Task An_expired_ca_stops_start_up_instead_of_being_replaced_silently()
    {
        using (await LoadAsync())
        {
        }

        var ca = CaFingerprint();
        _time.Advance(TimeSpan.FromDays(21 * 365));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(LoadAsync);

        Assert.Contains("expired", Assert.Single(ex.Failures), StringComparison.Ordinal);
        Assert.Equal(ca, CaFingerprint());
    }

    [Fact]
    public async Task A_ca_key_without_its_certificate_is_an_interrupted_first_start_and_is_replaced()
    {
        Directory.CreateDirectory(Tls);
        using var stray = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(File_("ca.key"), stray.ExportPkcs8PrivateKeyPem());

        using var server = await LoadAsync();

        AssertIssuedByCa(server);
        Assert.NotEqual(stray.ExportPkcs8PrivateKeyPem(), await File.ReadAllTextAsync(File_("ca.key")));
    }

    [Fact]
    public async Task A_key_left_readable_by_others_is_made_owner_only_again()
    {
        using (await LoadAsync())
        {
        }

        File.SetUnixFileMode(File_("ca.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using (await LoadAsync())
        {
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(File_("ca.key")));
    }

    public void Dispose() => _dir.Dispose();

    private Task<X509Certificate2> LoadAsync() => new GeneratedCertificateStore(Tls, _time, NullLogger.Instance).LoadOrCreateAsync(Names, default);

    private string CaFingerprint()
    {
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(File_("ca.crt")));
        return ca.GetCertHashString(HashAlgorithmName.SHA256);
    }

    private void AssertIssuedByCa(X509Certificate2 server)
    {
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(File_("ca.crt")));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        Assert.True(chain.Build(server), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(ca.Thumbprint, chain.ChainElements[^1].Certificate.Thumbprint);
        Assert.Contains("bridge.test", SanDnsNames(server));
    }

    private static List<string> SanDnsNames(X509Certificate2 certificate)
    {
        var raw = certificate.Extensions.First(e => e.Oid?.Value == "2.5.29.17");
        return new X509SubjectAlternativeNameExtension(raw.RawData).EnumerateDnsNames().ToList();
    }
}
