using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Iot.Telemetry;
using Npgsql;

namespace Iot.Cloud.Pipeline.Jobs;

/// <summary>
/// One span per job attempt, <c>job.{kind}</c>, with the job's dialogue (or device) and the chunk ids of that dialogue
/// so a search for a chunk id finds the work done on it. Spans exist only when a listener (the OTLP exporter) is on.
/// </summary>
public static class JobTracing
{
    public const string SourceName = "Iot.Cloud.Pipeline.Jobs";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Null when nobody listens; then nothing below costs a query.</summary>
    public static Activity? Start(ClaimedJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var activity = Source.StartActivity("job." + job.Kind, ActivityKind.Consumer);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag(IotAttributes.JobId, job.JobId);
        activity.SetTag(IotAttributes.JobKind, job.Kind);
        activity.SetTag(IotAttributes.Attempt, job.Attempt);
        if (TryRead(job.Payload, "dialogueId") is { } dialogue)
        {
            activity.SetTag(IotAttributes.DialogueId, dialogue);
        }

        if (TryRead(job.Payload, "deviceId") is { } device)
        {
            activity.SetTag(IotAttributes.DeviceId, device);
        }

        return activity;
    }

    /// <summary>
    /// Adds the dialogue's chunk ids (first <see cref="IotAttributes.MaxChunkIds"/> in playback order) to a recorded span.
    /// One indexed read per traced job; a failure here never fails the job.
    /// </summary>
    public static async Task AddChunkIdsAsync(Activity? activity, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (activity is not { IsAllDataRequested: true } || activity.GetTagItem(IotAttributes.DialogueId) is not string text || !Guid.TryParse(text, out var dialogueId))
        {
            return;
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var ids = await connection.QueryAsync<Guid>(new CommandDefinition(
                """
                SELECT chunk_id FROM dialogue_segments WHERE dialogue_id = @dialogueId
                GROUP BY chunk_id ORDER BY min(offset_ms) LIMIT @limit
                """,
                new { dialogueId, limit = IotAttributes.MaxChunkIds },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            activity.SetTag(IotAttributes.ChunkIds, ids.Select(id => id.ToString()).ToArray());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The job is being cancelled; the handler sees the same token and returns it to the queue.
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            activity.AddEvent(new ActivityEvent("chunk_ids.unavailable", tags: new ActivityTagsCollection { ["exception.message"] = ex.Message }));
        }
    }

    public static void End(Activity? activity, string outcome, Exception? exception = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(IotAttributes.Outcome, outcome);
        if (exception is not null)
        {
            activity.AddException(exception);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        }
    }

    private static string? TryRead(string payload, string property)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(property, out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
