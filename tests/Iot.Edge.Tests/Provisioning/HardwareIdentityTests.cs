using Iot.Edge.Agent.Provisioning;
using Iot.TestSupport;

namespace Iot.Edge.Tests.Provisioning;

public class HardwareIdentityTests
{
    [Fact]
    public async Task A_raspberry_pi_is_identified_by_its_cpu_serial()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Sub("cpuinfo"), "processor\t: 0\nHardware\t: BCM2835\nRevision\t: c03111\nSerial\t\t: 10000000ABCDEF01\nModel\t\t: Raspberry Pi 4\n");
        await File.WriteAllTextAsync(dir.Sub("machine-id"), "0123456789abcdef0123456789abcdef\n");

        var id = new SystemHardwareIdentity(dir.Sub("cpuinfo"), dir.Sub("machine-id")).HardwareId();

        Assert.Equal("cpu-10000000abcdef01", id);
    }

    [Fact]
    public async Task Without_a_cpu_serial_the_machine_id_is_used()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.Sub("cpuinfo"), "processor\t: 0\nmodel name\t: x86\n");
        await File.WriteAllTextAsync(dir.Sub("machine-id"), "0123456789ABCDEF0123456789abcdef\n");

        var id = new SystemHardwareIdentity(dir.Sub("cpuinfo"), dir.Sub("machine-id")).HardwareId();

        Assert.Equal("mid-0123456789abcdef0123456789abcdef", id);
    }

    [Fact]
    public void This_machine_has_a_hardware_id()
    {
        Assert.False(string.IsNullOrEmpty(new SystemHardwareIdentity().HardwareId()), "neither /proc/cpuinfo Serial nor /etc/machine-id found");
    }

    [Theory]
    [InlineData(null, "cpu-10000000abcdef01", "cpu-10000000abcdef01")]
    [InlineData("pi-0001", "cpu-10000000abcdef01", "pi-0001")]
    [InlineData(null, "win-3F2504E0-4F89-11D3-9A0C-0305E82C3301", "win-3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData(null, "mid-ab.cd:ef", "mid-ab-cd-ef")]
    public void The_serial_is_configured_or_derived_from_the_hardware_id(string? configured, string hardwareId, string expected)
    {
        Assert.Equal(expected, DeviceSerial.Resolve(configured, hardwareId));
    }
}

public class SecretPrintingTests
{
    [Fact]
    public void Credentials_and_claims_print_without_their_secrets()
    {
        var stored = new StoredCredentials("acme", "pos-1", null, "acme.pos-1", "s3cret-pw", "h:1883");
        var claim = new ClaimFile("c1", "claim-s3cret", "h:1883");
        var identity = new AgentIdentity("acme", "pos-1", new Iot.Edge.Agent.Uplink.BrokerEndpoints([new("h", 1883)]), "acme.pos-1", "s3cret-pw", FromCredentialsFile: true);

        Assert.DoesNotContain("s3cret", stored.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", claim.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", identity.ToString(), StringComparison.Ordinal);
    }
}
