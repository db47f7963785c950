using System.Net;
using System.Text;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Recording;
using Iot.Edge.Tests.Hosting;
using Iot.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Iot.Edge.Tests.Recording;

public sealed class AgentEventEndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        var settings = await AgentHostTests.ValidSettingsAsync(_dir);
        settings["Recording:Trigger"] = "Visits";
        _host = AgentHost.CreateBuilder([], settings).Build();
        await _host.StartAsync();
        _http.BaseAddress = new Uri($"http://127.0.0.1:{settings["Health:Port"]}/");

        // The desk integration's side: the token the agent wrote on first start (see edge/README.md).
        var token = (await File.ReadAllTextAsync(Path.Combine(settings["Agent:SpoolDirectory"]!, "events.token"))).Trim();
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_queue_system_starts_and_ends_a_visit_over_the_local_api()
    {
        var controller = _host.Services.GetRequiredService<RecordingController>();

        var call = await PostAsync("""{"type":"visit_call","transactionId":"t-42","operator":"anna"}""");
        Assert.Equal(HttpStatusCode.Accepted, call.StatusCode);
        Assert.Contains("visit t-42 started", await call.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("t-42", controller.ActiveVisit?.TransactionId);

        var end = await PostAsync("""{"type":"visit_end","transactionId":"t-42"}""");
        Assert.Equal(HttpStatusCode.Accepted, end.StatusCode);
        Assert.Null(controller.ActiveVisit);
    }

    [Theory]
    [InlineData("not json", "not a JSON event")]
    [InlineData("{}", "event needs a type")]
    [InlineData("""{"type":"visit_call"}""", "needs a transactionId")]
    [InlineData("""{"type":"reboot_now"}""", "unknown event type")]
    public async Task Bad_events_get_400_with_the_reason(string body, string reason)
    {
        var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversize_body_is_refused()
    {
        var response = await PostAsync("{\"type\":\"login\",\"operator\":\"" + new string('x', 10_000) + "\"}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private Task<HttpResponseMessage> PostAsync(string json) =>
        _http.PostAsync("events", new StringContent(json, Encoding.UTF8, "application/json"));
}
