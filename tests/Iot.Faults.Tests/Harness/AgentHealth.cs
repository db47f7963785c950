using System.Text.Json;

namespace Iot.Faults.Tests.Harness;

/// <summary>The figures of a running agent's loopback <c>/health</c> endpoint that the fault tests watch.</summary>
public sealed record AgentHealth(bool Connected, bool Recording, long ChunksSealed, long Published, long Acked, int OutboxDepth)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Null while the agent is not (yet) serving.</summary>
    public static async Task<AgentHealth?> TryReadAsync(int port, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"), cancellationToken);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var r = json.RootElement;
            return new AgentHealth(
                r.GetProperty("connected").GetBoolean(),
                r.GetProperty("recording").GetBoolean(),
                r.GetProperty("chunksSealed").GetInt64(),
                r.GetProperty("published").GetInt64(),
                r.GetProperty("acked").GetInt64(),
                r.GetProperty("outboxDepth").GetInt32());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }
}
