using System.Text.Json;
using Iot.Edge.Agent.Health;
using Iot.Edge.Agent.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Iot.Edge.Agent.Recording;

/// <summary>
/// <c>POST /events</c> on the loopback health server: how a queue system or the desk software on the same machine
/// reports <c>visit_call</c>, <c>visit_end</c>, <c>login</c> … (JSON <c>{"type", "transactionId", "operator"}</c>).
/// Answers 202 with what became of the event, 400 with the reason for a bad one. Only the desk integration gets that far:
/// <see cref="LocalEventGuard"/> refuses web pages, DNS rebinding and callers without the local token first.
/// </summary>
public static class AgentEventEndpoints
{
    private const int MaxBodyBytes = 4096;

    public static void MapAgentEvents(this IEndpointRouteBuilder endpoints, IServiceProvider agentServices)
    {
        var controller = agentServices.GetRequiredService<RecordingController>();
        var health = agentServices.GetRequiredService<IOptions<HealthOptions>>().Value;
        var spool = agentServices.GetRequiredService<IOptions<AgentOptions>>().Value.SpoolDirectory;
        var guard = new LocalEventGuard(LocalEventGuard.LoadOrCreateToken(LocalEventGuard.TokenPath(health, spool)), health.EventsAllowedOrigins);
        endpoints.MapPost("/events", async (HttpRequest request, HttpResponse response, CancellationToken ct) =>
        {
            if (guard.Refusal(request) is { } refusal)
            {
                if (refusal.Status == StatusCodes.Status401Unauthorized)
                {
                    response.Headers.WWWAuthenticate = "Bearer";
                }

                return Results.Json(new EventOutcome(false, refusal.Reason), AgentJsonContext.Default.EventOutcome, statusCode: refusal.Status);
            }

            if (request.ContentLength is > MaxBodyBytes)
            {
                return Results.Json(new EventOutcome(false, $"body larger than {MaxBodyBytes} bytes"), AgentJsonContext.Default.EventOutcome, statusCode: 413);
            }

            AgentEvent? e;
            try
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body, ct).ConfigureAwait(false);
                if (body.Length > MaxBodyBytes)
                {
                    return Results.Json(new EventOutcome(false, $"body larger than {MaxBodyBytes} bytes"), AgentJsonContext.Default.EventOutcome, statusCode: 413);
                }

                e = JsonSerializer.Deserialize(body.ToArray(), AgentJsonContext.Default.AgentEvent);
            }
            catch (JsonException ex)
            {
                return Results.Json(new EventOutcome(false, "not a JSON event: " + ex.Message), AgentJsonContext.Default.EventOutcome, statusCode: 400);
            }

            if (e is null || string.IsNullOrEmpty(e.Type))
            {
                return Results.Json(new EventOutcome(false, "event needs a type"), AgentJsonContext.Default.EventOutcome, statusCode: 400);
            }

            var outcome = controller.Handle(e);
            return Results.Json(outcome, AgentJsonContext.Default.EventOutcome, statusCode: outcome.Accepted ? 202 : 400);
        });
    }
}
