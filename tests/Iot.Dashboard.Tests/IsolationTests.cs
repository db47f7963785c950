using System.Net;
using System.Net.Http.Json;
using Iot.Dashboard.Dialogues;
using Iot.Dashboard.Fleet;
using Iot.Dashboard.Provisioning;
using Iot.Dashboard.Tests.Infrastructure;

namespace Iot.Dashboard.Tests;

public sealed class IsolationTests(DashboardFixture fx) : IClassFixture<DashboardFixture>
{
    public static TheoryData<string, string> ForeignRequests => new()
    {
        { "GET", "/api/dialogues/{globexDialogue}" },
        { "GET", "/api/dialogues/{globexDialogue}/audio" },
        { "GET", "/api/chunks/{globexChunk}/audio" },
        { "GET", "/api/audio/2026-11-20/" + SeedData.GlobexTransaction },
        { "DELETE", "/api/dialogues/{globexDialogue}" },
        { "POST", "/api/dialogues/{globexDialogue}/restore" },
        { "GET", "/api/dialogues/{globexDialogue}/review" },
        { "POST", "/api/dialogues/{globexDialogue}/review" },
        { "POST", "/api/provisioning/" + SeedData.GlobexPendingSerial + "/approve" },
        { "POST", "/api/provisioning/" + SeedData.GlobexPendingSerial + "/reject" },
        { "GET", "/api/devices/globex-d1" },
        { "POST", "/api/devices/globex-d1/config" },
    };

    [Theory]
    [MemberData(nameof(ForeignRequests))]
    public async Task Every_endpoint_answers_404_for_another_tenants_ids(string method, string template)
    {
        using var client = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var path = template.Replace("{globexDialogue}", fx.Seed.GlobexDialogue.ToString(), StringComparison.Ordinal)
            .Replace("{globexChunk}", fx.Seed.GlobexChunk.ToString(), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            request.Content = JsonContent.Create(new { reason = "test", branchId = (string?)null });
        }

        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        // The same kind of request for the caller's own tenant works, so the 404 is isolation, not a broken route.
        using var globex = await fx.ClientAsAsync(SeedData.GlobexAdmin);
        if (method == "GET")
        {
            Assert.True((await globex.GetAsync(path)).IsSuccessStatusCode, path);
        }
    }

    [Fact]
    public async Task Lists_show_only_the_callers_tenant()
    {
        using var acme = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var page = await acme.GetFromJsonAsync<DialoguePage>("/api/dialogues?pageSize=100");
        Assert.DoesNotContain(page!.Items, d => d.DialogueId == fx.Seed.GlobexDialogue);
        Assert.All(page.Items, d => Assert.StartsWith("acme-", d.DeviceId, StringComparison.Ordinal));

        var devices = await acme.GetFromJsonAsync<List<FleetDevice>>("/api/devices");
        Assert.Equal(["acme-d1", "acme-d2"], devices!.Select(d => d.DeviceId).Order());

        var pending = await acme.GetFromJsonAsync<List<PendingRequest>>("/api/provisioning/pending");
        Assert.Equal([SeedData.AcmePendingSerial], pending!.Select(p => p.Serial));

        var search = await acme.GetFromJsonAsync<DialoguePage>("/api/dialogues?q=warranty");
        Assert.Equal([fx.Seed.AcmeDialogue], search!.Items.Select(d => d.DialogueId));
    }

    [Fact]
    public async Task A_user_limited_to_one_branch_sees_nothing_of_the_others()
    {
        using var north = await fx.ClientAsAsync(SeedData.AcmeNorthSupervisor);
        var page = await north.GetFromJsonAsync<DialoguePage>("/api/dialogues?pageSize=100");
        Assert.NotEmpty(page!.Items);
        Assert.All(page.Items, d => Assert.Equal("acme-north", d.BranchId));
        Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync($"/api/dialogues/{fx.Seed.AcmeSouthDialogue}")).StatusCode);
        var devices = await north.GetFromJsonAsync<List<FleetDevice>>("/api/devices");
        Assert.Equal(["acme-d1"], devices!.Select(d => d.DeviceId));
    }

    [Fact]
    public async Task A_technician_cannot_read_transcripts_or_audio()
    {
        using var tech = await fx.ClientAsAsync(SeedData.AcmeTechnician);
        foreach (var path in new[]
        {
            "/api/dialogues",
            $"/api/dialogues/{fx.Seed.AcmeDialogue}",
            $"/api/dialogues/{fx.Seed.AcmeDialogue}/audio",
            $"/api/chunks/{fx.Seed.AcmeChunk}/audio",
            $"/api/audio/2026-11-20/{SeedData.AcmeTransaction}",
            "/api/reports/dialogues.csv",
        })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await tech.GetAsync(path)).StatusCode);
        }

        // What a technician is for still works.
        Assert.Equal(HttpStatusCode.OK, (await tech.GetAsync("/api/devices")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tech.GetAsync("/api/provisioning/pending")).StatusCode);
    }

    [Fact]
    public async Task Preregistering_a_serial_for_another_tenant_is_refused()
    {
        using var acme = await fx.ClientAsAsync(SeedData.AcmeAdmin);
        var response = await acme.PostAsync("/api/provisioning/preregistrations", new StringContent("serial,tenant,branch,device_id,display_name\nsn-x1,globex,,,\n", System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("tenant 'globex' is not yours", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var foreignBranch = await acme.PostAsync("/api/provisioning/preregistrations", new StringContent("sn-x2,acme,globex-main,,\n", System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, foreignBranch.StatusCode);

        var ok = await acme.PostAsync("/api/provisioning/preregistrations", new StringContent("sn-x3,acme,acme-north,acme-d9,Till 9\n", System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task The_live_fleet_stream_carries_only_the_callers_devices()
    {
        using var tech = await fx.ClientAsAsync(SeedData.AcmeTechnician);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await tech.GetAsync("/api/devices/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        string? line;
        while ((line = await reader.ReadLineAsync(cts.Token)) is not null && !line.StartsWith("data:", StringComparison.Ordinal))
        {
        }

        var devices = System.Text.Json.JsonSerializer.Deserialize<List<FleetDevice>>(line!["data:".Length..], new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        Assert.NotEmpty(devices!);
        Assert.All(devices!, d => Assert.StartsWith("acme-", d.DeviceId, StringComparison.Ordinal));

        using var analyst = await fx.ClientAsAsync(SeedData.AcmeAnalyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/devices/events", cts.Token)).StatusCode);
    }
}
