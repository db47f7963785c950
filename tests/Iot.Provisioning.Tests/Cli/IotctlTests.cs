using Iot.Protocol.Provisioning;
using Iot.Provisioning.Security;
using Iot.Provisioning.Tests.Infrastructure;

namespace Iot.Provisioning.Tests.Cli;

public sealed class IotctlTests
{
    [Theory]
    [InlineData(new[] { "devices", "list" }, "no API token given")]
    [InlineData(new[] { "devices", "frobnicate" }, "Unrecognized command or argument 'frobnicate'")]
    [InlineData(new[] { "cmd", "send", "d1", "x", "--arg", "novalue" }, "--arg 'novalue' is not key=value")]
    [InlineData(new[] { "devices", "list", "--api", "ftp://bridge" }, "--api: 'ftp://bridge' is not an http(s) URL")]
    [InlineData(new[] { "devices", "list", "--token-file", "/nonexistent/ops.token" }, "--token-file: /nonexistent/ops.token does not exist")]
    [InlineData(new[] { "fleet", "status", "--broker", "host:notaport" }, "--broker: 'host:notaport' is not host:port")]
    public async Task Usage_and_configuration_errors_exit_2_with_a_message(string[] args, string message)
    {
        var run = await Iotctl.RunBareAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_provisioning_api_is_an_operation_failure_with_exit_1()
    {
        using var dir = new Iot.TestSupport.TempDirectory();
        var token = dir.Sub("token");
        await File.WriteAllTextAsync(token, "whatever");
        var run = await Iotctl.RunBareAsync("devices", "list", "--api", $"http://127.0.0.1:{Iot.TestSupport.FreePort.Next()}/", "--token-file", token);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("iotctl: ", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claims_create_shows_a_secret_once_and_stores_only_its_hash_and_devices_list_shows_the_queue()
    {
        await using var node = await CloudNode.StartAsync();

        var run = await Iotctl.RunAsync(node, "claims", "create", "--tenant", CloudNode.Tenant, "--max-uses", "5", "--expires-days", "7");

        Assert.True(run.ExitCode == 0, run.StdErr);
        var lines = run.StdOut.Split('\n').Select(l => l.Trim()).ToList();
        var username = lines.Single(l => l.StartsWith("username:", StringComparison.Ordinal))["username:".Length..].Trim();
        var secret = lines.Single(l => l.StartsWith("password:", StringComparison.Ordinal))["password:".Length..].Trim();
        var claimId = username[MqttIdentities.ClaimPrefix.Length..];
        var hash = await node.ScalarAsync<string>("SELECT secret_hash FROM claim_tokens WHERE claim_id = @claimId", new { claimId });
        Assert.True(SecretHasher.Verify(secret, hash));
        Assert.Equal(5, await node.ScalarAsync<int>("SELECT max_uses FROM claim_tokens WHERE claim_id = @claimId", new { claimId }));

        await using var device = await FakeDevice.ClaimAsync(node.Port, "sn-q1", username, secret);
        Assert.Equal(ProvisionStatus.Pending, (await device.AskAsync()).Status);
        var list = await Iotctl.RunAsync(node, "devices", "list");
        Assert.True(list.ExitCode == 0, list.StdErr);
        Assert.Contains("sn-q1", list.StdOut, StringComparison.Ordinal);
        Assert.Contains("0 device(s), 1 pending", list.StdOut, StringComparison.Ordinal);

        var unknown = await Iotctl.RunAsync(node, "devices", "show", "ghost");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("device 'ghost' does not exist", unknown.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the bundle's file mode is part of the check
    public async Task Claims_create_with_a_bundle_writes_an_owner_only_claim_file_with_the_brokers_ca_and_refuses_one_without_a_ca()
    {
        await using var node = await CloudNode.StartAsync();
        using var dir = new Iot.TestSupport.TempDirectory();
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=bridge CA", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        // A careless operator points --ca at a file that also holds the CA's key: only the certificate may travel.
        await File.WriteAllTextAsync(dir.Sub("ca.pem"), ca.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
        var claimsBefore = await node.ScalarAsync<long>("SELECT count(*) FROM claim_tokens");

        var refused = await Iotctl.RunAsync(node, "claims", "create", "--tenant", CloudNode.Tenant, "--bundle", dir.Sub("plain.json"), "--device-broker", "bridge.example.com:8883");
        var run = await Iotctl.RunAsync(node, "claims", "create", "--tenant", CloudNode.Tenant, "--bundle", dir.Sub("claim.json"), "--device-broker", "bridge.example.com:8883", "--ca", dir.Sub("ca.pem"));

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--ca", refused.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Sub("plain.json")));
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(claimsBefore + 1, await node.ScalarAsync<long>("SELECT count(*) FROM claim_tokens"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.Sub("claim.json")));
        var text = await File.ReadAllTextAsync(dir.Sub("claim.json"));
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        using var bundle = System.Text.Json.JsonDocument.Parse(text);
        var secret = run.StdOut.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("password:", StringComparison.Ordinal))["password:".Length..].Trim();
        Assert.Equal(secret, bundle.RootElement.GetProperty("secret").GetString());
        Assert.Equal("bridge.example.com:8883", bundle.RootElement.GetProperty("broker").GetString());
        using var carried = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(bundle.RootElement.GetProperty("caCertificate").GetString());
        Assert.Equal(ca.Thumbprint, carried.Thumbprint);
    }
}
