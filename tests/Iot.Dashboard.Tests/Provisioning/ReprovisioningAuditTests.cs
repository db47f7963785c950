using System.Net;
using System.Net.Http.Json;
using Dapper;
using Iot.Dashboard.Provisioning;
using Iot.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Iot.Dashboard.Tests.Provisioning;

/// <summary>Re-provisioning decisions (written by the bridge to provisioning_audit) are visible to the tenant's device managers only.</summary>
public sealed class ReprovisioningAuditTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task Re_provisioning_decisions_show_on_the_api_and_the_page_for_their_own_tenant_only()
    {
        await using (var c = new NpgsqlConnection(fx.ConnectionString))
        {
            await c.ExecuteAsync(
                """
                INSERT INTO provisioning_audit (tenant_id, branch_id, device_id, serial, hardware_id, outcome, proof, reason, decided_by, at) VALUES
                    ('acme', 'acme-north', 'acme-d1', 'sn-audit-acme', 'hw-1', 'approved', 'recovery-key', NULL, 'provisioning', now() - interval '1 minute'),
                    ('acme', 'acme-south', 'acme-d2', 'sn-audit-acme-2', 'hw-2', 'pending', 'none', 'no recovery key; waits for an operator', NULL, now()),
                    ('globex', 'globex-main', 'globex-d1', 'sn-audit-globex', 'hw-3', 'rejected', 'none', 'device is online', NULL, now());
                """);
        }

        using var acme = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var rows = await acme.GetFromJsonAsync<List<ReprovisionDecision>>("/api/provisioning/reprovisioning");
        Assert.Equal(["sn-audit-acme-2", "sn-audit-acme"], rows!.Where(r => r.Serial.StartsWith("sn-audit", StringComparison.Ordinal)).Select(r => r.Serial));
        Assert.Equal("recovery-key", rows!.Single(r => r.Serial == "sn-audit-acme").Proof);

        var page = await acme.GetStringAsync("/provisioning");
        Assert.Contains("sn-audit-acme-2", page, StringComparison.Ordinal);
        Assert.Contains("no recovery key; waits for an operator", page, StringComparison.Ordinal);
        Assert.DoesNotContain("sn-audit-globex", page, StringComparison.Ordinal);

        // Probes: another tenant's admin, and a role that does not manage devices.
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        var theirs = await globex.GetFromJsonAsync<List<ReprovisionDecision>>("/api/provisioning/reprovisioning");
        Assert.DoesNotContain(theirs!, r => r.Serial.StartsWith("sn-audit-acme", StringComparison.Ordinal));
        Assert.Contains(theirs!, r => r.Serial == "sn-audit-globex");
        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/provisioning/reprovisioning")).StatusCode);
    }
}
