using Iot.Cloud.Bridge.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Iot.Broker.Tests;

public sealed class BrokerOptionsValidationTests
{
    [Theory]
    [InlineData("Broker:ServiceAccounts:root", "long-enough-secret-123", "Broker:ServiceAccounts:root is not a known service")]
    [InlineData("Broker:ServiceAccounts:ops", "short", "Broker:ServiceAccounts:ops must be a secret of at least 16 characters")]
    [InlineData("Broker:Dynsec:Enabled", "true", "Broker:Dynsec:Enabled needs Broker:Mode External")]
    [InlineData("Broker:MaxPacketBytes", "1000", "Broker:MaxPacketBytes 1000 must be 0 (derived from Bridge:MaxPayloadBytes) or 65536..268435456")]
    [InlineData("Broker:Tls:Port", "0", "Broker:Tls:Port 0 leaves devices on Broker:ListenAddress 0.0.0.0 without TLS")]
    [InlineData("Broker:Tls:Port", "70000", "Broker:Tls:Port 70000 must be 0 (no TLS listener) or 1..65535")]
    [InlineData("Broker:Tls:ListenAddress", "not-an-ip", "Broker:Tls:ListenAddress 'not-an-ip' is not an IP address")]
    [InlineData("Broker:Tls:HostNames:0", "not a name!", "Broker:Tls:HostNames:0 'not a name!' is not a DNS name or IP address")]
    [InlineData("Broker:Tls:KeyFile", "/etc/hostname", "Broker:Tls:KeyFile is set without Broker:Tls:CertificateFile")]
    [InlineData("Broker:Tls:CertificateFile", "/nonexistent/server.crt", "Broker:Tls:KeyFile must be set with a PEM Broker:Tls:CertificateFile")]
    [InlineData("Broker:Tls:CertificateFile", "/nonexistent/server.pfx", "Broker:Tls:CertificateFile '/nonexistent/server.pfx' cannot be loaded as PKCS#12")]
    public async Task A_bad_broker_security_setting_stops_start_up_naming_its_key(string key, string value, string expected)
    {
        using var host = BridgeHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=x;Database=x",
            ["Storage:Root"] = Path.GetTempPath(),
            ["Serilog:MinimumLevel:Default"] = "Fatal",
            [key] = value,
        }).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_configured_certificate_with_another_certificates_key_stops_start_up_naming_both_keys()
    {
        using var dir = new Iot.TestSupport.TempDirectory();
        using var key = System.Security.Cryptography.ECDsa.Create();
        using var other = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=broker", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await File.WriteAllTextAsync(dir.Sub("server.crt"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(dir.Sub("server.key"), other.ExportPkcs8PrivateKeyPem());
        using var host = BridgeHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=x;Database=x",
            ["Storage:Root"] = dir.Path,
            ["Serilog:MinimumLevel:Default"] = "Fatal",
            ["Broker:Tls:CertificateFile"] = dir.Sub("server.crt"),
            ["Broker:Tls:KeyFile"] = dir.Sub("server.key"),
        }).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith("Broker:Tls:CertificateFile/Broker:Tls:KeyFile cannot be loaded", StringComparison.Ordinal));
    }
}
