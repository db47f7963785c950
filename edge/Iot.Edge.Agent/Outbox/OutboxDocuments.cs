using LiteDB;

namespace Iot.Edge.Agent.Outbox;

/// <summary>
/// The outbox's LiteDB documents, built and read by hand. LiteDB's <see cref="BsonMapper"/> finds properties by
/// reflection and compiles accessors at run time, which the NativeAOT build (the Linux release) trims away: there an
/// insert silently lost fields and broke the unique sequence index. The field names and types are exactly what the
/// mapper wrote before (enum as its name, null omitted), so spools written by earlier agents stay readable.
/// </summary>
internal static class OutboxDocuments
{
    public const string Id = "_id";
    public const string Sequence = nameof(OutboxEntry.Sequence);
    public const string State = nameof(OutboxEntry.State);
    public const string NextAttempt = nameof(OutboxEntry.NextAttemptUtcTicks);
    private const string CounterValue = nameof(SequenceCounter.Value);

    public static BsonDocument ToDocument(OutboxEntry entry)
    {
        var document = new BsonDocument
        {
            [Id] = entry.Id,
            [Sequence] = entry.Sequence,
            [nameof(OutboxEntry.MetadataJson)] = entry.MetadataJson,
            [nameof(OutboxEntry.FileName)] = entry.FileName,
            [nameof(OutboxEntry.Bytes)] = entry.Bytes,
            [State] = StateName(entry.State),
            [nameof(OutboxEntry.Attempts)] = entry.Attempts,
            [nameof(OutboxEntry.CreatedUtcTicks)] = entry.CreatedUtcTicks,
            [NextAttempt] = entry.NextAttemptUtcTicks,
        };
        if (entry.LastError is not null)
        {
            document[nameof(OutboxEntry.LastError)] = entry.LastError;
        }

        return document;
    }

    public static OutboxEntry ToEntry(BsonDocument document) => new()
    {
        Id = document[Id].AsGuid,
        Sequence = document[Sequence].AsInt64,
        MetadataJson = document[nameof(OutboxEntry.MetadataJson)].AsString ?? "",
        FileName = document[nameof(OutboxEntry.FileName)].AsString ?? "",
        Bytes = document[nameof(OutboxEntry.Bytes)].AsInt64,
        State = ParseState(document[State]),
        Attempts = document[nameof(OutboxEntry.Attempts)].AsInt32,
        CreatedUtcTicks = document[nameof(OutboxEntry.CreatedUtcTicks)].AsInt64,
        NextAttemptUtcTicks = document[NextAttempt].AsInt64,
        LastError = document[nameof(OutboxEntry.LastError)] is { IsString: true } error ? error.AsString : null,
    };

    public static BsonDocument ToDocument(SequenceCounter counter) => new()
    {
        [Id] = counter.Id,
        [CounterValue] = counter.Value,
    };

    public static SequenceCounter ToCounter(BsonDocument document) => new()
    {
        Id = document[Id].AsString,
        Value = document[CounterValue].AsInt64,
    };

    public static string StateName(OutboxState state) => state switch
    {
        OutboxState.Pending => nameof(OutboxState.Pending),
        OutboxState.Quarantined => nameof(OutboxState.Quarantined),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "unknown outbox state"),
    };

    private static OutboxState ParseState(BsonValue value) => value.AsString switch
    {
        nameof(OutboxState.Pending) => OutboxState.Pending,
        nameof(OutboxState.Quarantined) => OutboxState.Quarantined,
        var other => throw new LiteException(0, $"outbox entry has unknown state '{other}'"),
    };
}
