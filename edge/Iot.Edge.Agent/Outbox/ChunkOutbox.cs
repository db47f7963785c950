using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace Iot.Edge.Agent.Outbox;

/// <summary>
/// Crash-safe store of sealed chunks: audio files in the spool directory, their metadata in LiteDB.
/// The commit point of a chunk is the LiteDB insert. A file is written as <c>.partial</c>, fsynced, recorded,
/// then renamed to <c>.opus</c>; <see cref="Recover"/> finishes or discards whatever a crash interrupted.
/// </summary>
public sealed partial class ChunkOutbox : IDisposable
{
    public const string PartialSuffix = ".opus.partial";
    public const string SealedSuffix = ".opus";
    private const string SequenceCounterId = "chunk-sequence";
    private const string DroppedCounter = "dropped-chunks";

    /// <summary>
    /// Free space a commit leaves for the outbox database. A LiteDB commit that meets a full disk can neither finish nor
    /// roll back (the rollback writes too): the half-made entry stays visible without its audio and the thread's
    /// transaction stays open, so every later commit fails and the recorder dies. Refusing the chunk while there is
    /// still room keeps the database writable for acks (deletes) and for the commits that follow once space returns.
    /// </summary>
    public const long DatabaseReserveBytes = 1024 * 1024;

    /// <summary>
    /// LiteDB keeps each page written since the last checkpoint in its log and in its page cache: 1,000 pages (8 MB)
    /// by default. On the memory bench that showed as 8 MB of resident growth over about 90 chunks before it levelled
    /// off. The outbox writes a few pages per chunk and per ack, so 100 pages checkpoint every few chunks at the cost
    /// of copying a few pages, and bound the cache at 0.8 MB.
    /// </summary>
    internal const int CheckpointPages = 100;

    private readonly LiteDatabase _db;
    private readonly ILiteCollection<BsonDocument> _entries;
    private readonly ILiteCollection<BsonDocument> _counters;
    private readonly TimeProvider _time;
    private readonly ILogger<ChunkOutbox> _logger;
    private readonly Lock _commitLock = new();

    public ChunkOutbox(string spoolDirectory, TimeProvider time, ILogger<ChunkOutbox> logger)
    {
        SpoolDirectory = Path.GetFullPath(spoolDirectory);
        Directory.CreateDirectory(SpoolDirectory);
        _time = time;
        _logger = logger;
        // Documents are mapped by hand (OutboxDocuments), so the mapper is never asked about the agent's types.
        _db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(SpoolDirectory, "outbox.db"), Connection = ConnectionType.Direct });
        _db.CheckpointSize = CheckpointPages;
        _entries = _db.GetCollection("chunks", BsonAutoId.Guid);
        _entries.EnsureIndex(OutboxDocuments.Sequence, "$." + OutboxDocuments.Sequence, unique: true);
        _entries.EnsureIndex(OutboxDocuments.State, "$." + OutboxDocuments.State);
        _counters = _db.GetCollection("counters", BsonAutoId.ObjectId);
        Recover();
    }

    /// <summary>Raised after a chunk is committed, so the uplink can wake without polling.</summary>
    public event Action? Committed;

    public string SpoolDirectory { get; }

    public string PartialPath(Guid chunkId) => Path.Combine(SpoolDirectory, chunkId.ToString("n") + PartialSuffix);

    public string SealedPath(OutboxEntry entry) => Path.Combine(SpoolDirectory, entry.FileName);

    /// <summary>
    /// Records a fully written, fsynced partial file as a sealed chunk. The sequence number is assigned inside the
    /// same LiteDB transaction as the insert, so sequences stay gap-free across crashes.
    /// </summary>
    public ChunkMetadata Commit(Guid chunkId, Func<long, ChunkMetadata> metadataForSequence, TimeSpan? holdFor = null)
    {
        ChunkMetadata metadata;
        var partial = PartialPath(chunkId);
        var fileName = chunkId.ToString("n") + SealedSuffix;
        var withAudio = true;
        var free = FreeBytes();
        if (free < DatabaseReserveBytes)
        {
            throw new IOException($"spool disk nearly full: {free} bytes free, {DatabaseReserveBytes} kept for the outbox database");
        }

        lock (_commitLock)
        {
            if (!_db.BeginTrans())
            {
                throw new InvalidOperationException("outbox transaction already open on this thread");
            }

            try
            {
                var counter = FindCounter(SequenceCounterId);
                counter.Value++;
                metadata = metadataForSequence(counter.Value);
                withAudio = metadata.AudioIncluded;
                var now = _time.GetUtcNow().UtcTicks;
                _entries.Insert(OutboxDocuments.ToDocument(new OutboxEntry
                {
                    Id = chunkId,
                    Sequence = counter.Value,
                    MetadataJson = System.Text.Encoding.UTF8.GetString(ProtocolJson.Serialize(metadata)),
                    FileName = withAudio ? fileName : "",
                    Bytes = metadata.ByteLength,
                    State = OutboxState.Pending,
                    CreatedUtcTicks = now,
                    NextAttemptUtcTicks = now + (holdFor ?? TimeSpan.Zero).Ticks,
                }));
                _counters.Upsert(OutboxDocuments.ToDocument(counter));
                _db.Commit();
            }
            catch
            {
                _db.Rollback();
                throw;
            }

            // Still under the lock PeekReady takes: no reader may list the entry before its sealed file exists. A crash
            // between the commit and the rename is repaired at start-up (<see cref="Recover"/> renames the partial).
            if (withAudio)
            {
                File.Move(partial, Path.Combine(SpoolDirectory, fileName), overwrite: true);
            }
        }

        Committed?.Invoke();
        return metadata;
    }

    private long FreeBytes()
    {
        try
        {
            return new DriveInfo(SpoolDirectory).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // An unusual mount that cannot be measured: do not block recording on it.
            return long.MaxValue;
        }
    }

    /// <summary>Pending entries due for sending, oldest first, skipping those already in flight.</summary>
    public IReadOnlyList<OutboxEntry> PeekReady(int max, ICollection<Guid> exclude)
    {
        if (max <= 0)
        {
            return [];
        }

        var now = _time.GetUtcNow().UtcTicks;
        lock (_commitLock)
        {
            return _entries.Query()
                .Where(Query.And(IsPending, Query.LTE(OutboxDocuments.NextAttempt, now)))
                .OrderBy(OutboxDocuments.Sequence)
                .Limit(max + exclude.Count)
                .ToEnumerable()
                .Select(OutboxDocuments.ToEntry)
                .Where(e => !exclude.Contains(e.Id))
                .Take(max)
                .ToList();
        }
    }

    public OutboxEntry? Find(Guid chunkId) => _entries.FindById(chunkId) is { } document ? OutboxDocuments.ToEntry(document) : null;

    /// <summary>Chunks the cloud refused for good, with the reason, for technicians and diagnostics.</summary>
    public IReadOnlyList<OutboxEntry> Quarantined() => _entries.Find(IsQuarantined).Select(OutboxDocuments.ToEntry).OrderBy(e => e.Sequence).ToList();

    private static BsonExpression IsPending => Query.EQ(OutboxDocuments.State, OutboxDocuments.StateName(OutboxState.Pending));

    private static BsonExpression IsQuarantined => Query.EQ(OutboxDocuments.State, OutboxDocuments.StateName(OutboxState.Quarantined));

    private void Update(OutboxEntry entry) => _entries.Update(OutboxDocuments.ToDocument(entry));

    /// <summary>The cloud has the chunk durably: forget it.</summary>
    public bool Complete(Guid chunkId)
    {
        var entry = Find(chunkId);
        if (entry is null)
        {
            return false;
        }

        _entries.Delete(chunkId);
        if (entry.FileName.Length > 0)
        {
            TryDeleteFile(SealedPath(entry));
        }

        return true;
    }

    /// <summary>
    /// Adds the on-device transcript to a chunk held back for it and releases the hold. With a null transcript
    /// (too slow, failed) the chunk is released as it is: transcription never holds audio back for long.
    /// </summary>
    public void AttachTranscript(Guid chunkId, ChunkTranscript? transcript)
    {
        var entry = Find(chunkId);
        if (entry is null)
        {
            return;
        }

        if (transcript is not null
            && ProtocolJson.TryDeserialize<ChunkMetadata>(System.Text.Encoding.UTF8.GetBytes(entry.MetadataJson), out _) is { } metadata)
        {
            entry.MetadataJson = System.Text.Encoding.UTF8.GetString(ProtocolJson.Serialize(metadata with { Transcript = transcript }));
        }

        entry.NextAttemptUtcTicks = _time.GetUtcNow().UtcTicks;
        Update(entry);
        Committed?.Invoke();
    }

    /// <summary>Keeps the chunk pending but waits before the next try.</summary>
    public void Defer(Guid chunkId, string reason, TimeSpan delay)
    {
        var entry = Find(chunkId);
        if (entry is null)
        {
            return;
        }

        entry.Attempts++;
        entry.LastError = reason;
        entry.NextAttemptUtcTicks = (_time.GetUtcNow() + delay).UtcTicks;
        Update(entry);
    }

    public void Quarantine(Guid chunkId, string reason)
    {
        var entry = Find(chunkId);
        if (entry is null)
        {
            return;
        }

        entry.State = OutboxState.Quarantined;
        entry.LastError = reason;
        Update(entry);
        LogQuarantined(chunkId, entry.Sequence, reason);
    }

    public OutboxStats GetStats()
    {
        // Only the two numbers per entry, not the metadata JSON: the health endpoint asks often and the outbox can be days deep.
        var pending = _entries.Query().Where(IsPending).Select("{ b: $.Bytes, c: $.CreatedUtcTicks }").ToEnumerable()
            .Select(d => (Bytes: d["b"].AsInt64, Created: d["c"].AsInt64)).ToList();
        var quarantined = _entries.Count(IsQuarantined);
        DateTimeOffset? oldest = pending.Count == 0 ? null : new DateTimeOffset(pending.Min(e => e.Created), TimeSpan.Zero);
        return new OutboxStats(pending.Count, pending.Sum(e => e.Bytes), quarantined, oldest, Counter(DroppedCounter));
    }

    /// <summary>
    /// Drops the oldest unsent chunks (pending or quarantined) until none is older than <paramref name="notBefore"/>
    /// and all together fit in <paramref name="maxBytes"/>. Every drop is counted persistently; returns this call's drops.
    /// </summary>
    public int EnforceLimits(DateTimeOffset notBefore, long maxBytes)
    {
        var all = _entries.Query().OrderBy(OutboxDocuments.Sequence).ToEnumerable().Select(OutboxDocuments.ToEntry).ToList();
        var total = all.Sum(e => e.Bytes);
        var dropped = 0;
        foreach (var entry in all)
        {
            if (entry.CreatedUtcTicks >= notBefore.UtcTicks && total <= maxBytes)
            {
                break;
            }

            _entries.Delete(entry.Id);
            if (entry.FileName.Length > 0)
            {
                TryDeleteFile(SealedPath(entry));
            }

            total -= entry.Bytes;
            dropped++;
            LogDropped(entry.Id, entry.Sequence, new DateTimeOffset(entry.CreatedUtcTicks, TimeSpan.Zero));
        }

        if (dropped > 0)
        {
            lock (_commitLock)
            {
                var counter = FindCounter(DroppedCounter);
                counter.Value += dropped;
                _counters.Upsert(OutboxDocuments.ToDocument(counter));
            }
        }

        return dropped;
    }

    /// <summary>
    /// The sequence of the newest sealed chunk (0 before the first). Sequences are 1..this without gaps, so it is also
    /// how many chunks this device has recorded since installation, acked or not.
    /// </summary>
    public long LastSequence => Counter(SequenceCounterId);

    private long Counter(string id) => FindCounter(id).Value;

    private SequenceCounter FindCounter(string id) =>
        _counters.FindById(id) is { } document ? OutboxDocuments.ToCounter(document) : new SequenceCounter { Id = id };

    /// <summary>
    /// Closing checkpoints LiteDB's log into the data file. LiteDB 5.0.21 can throw from there after an earlier crash
    /// left a log behind (NullReferenceException, litedb-org/LiteDB#2177; "discarded page must be writable", #2574).
    /// Every commit is already durable in the log and the next start replays it, so a failed close must not turn a clean
    /// stop into a crash; one CI run saw the agent exit with 134 on SIGTERM after kill -9 rounds.
    /// </summary>
    public void Dispose()
    {
        try
        {
            _db.Dispose();
        }
        catch (Exception ex)
        {
            LogCloseFailed(ex, SpoolDirectory);
        }
    }

    /// <summary>Reconciles files and records after a crash; see the class remarks for the states this can meet.</summary>
    private void Recover()
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in _entries.FindAll().Select(OutboxDocuments.ToEntry).ToList())
        {
            if (entry.FileName.Length == 0)
            {
                continue; // metadata-only chunk (speech-only mode, no speech heard)
            }

            known.Add(entry.FileName);
            var sealedPath = SealedPath(entry);
            if (File.Exists(sealedPath))
            {
                continue;
            }

            var partial = PartialPath(entry.Id);
            if (File.Exists(partial))
            {
                File.Move(partial, sealedPath);
                LogRecoveredRename(entry.Id);
            }
            else
            {
                _entries.Delete(entry.Id);
                LogLostFile(entry.Id, entry.Sequence);
            }
        }

        foreach (var path in Directory.EnumerateFiles(SpoolDirectory, "*" + PartialSuffix))
        {
            // Never committed: the recording was cut by a crash before it was sealed.
            TryDeleteFile(path);
            LogDiscardedPartial(Path.GetFileName(path));
        }

        foreach (var path in Directory.EnumerateFiles(SpoolDirectory, "*" + SealedSuffix))
        {
            if (!known.Contains(Path.GetFileName(path)))
            {
                TryDeleteFile(path);
                LogDiscardedOrphan(Path.GetFileName(path));
            }
        }
    }

    private void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException ex)
        {
            LogDeleteFailed(ex, path);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chunk {ChunkId} (sequence {Sequence}) quarantined: {Reason}")]
    private partial void LogQuarantined(Guid chunkId, long sequence, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spool limit reached: dropped unsent chunk {ChunkId} (sequence {Sequence}, recorded {CreatedUtc:O})")]
    private partial void LogDropped(Guid chunkId, long sequence, DateTimeOffset createdUtc);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered chunk {ChunkId}: committed before the crash, renamed now")]
    private partial void LogRecoveredRename(Guid chunkId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Chunk {ChunkId} (sequence {Sequence}) was recorded but its file is gone; dropping the record")]
    private partial void LogLostFile(Guid chunkId, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discarded unsealed recording {File} left by a crash")]
    private partial void LogDiscardedPartial(string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discarded spool file {File} that has no outbox record")]
    private partial void LogDiscardedOrphan(string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Closing the outbox database in {Spool} failed; committed chunks stay in its log and are replayed at the next start")]
    private partial void LogCloseFailed(Exception exception, string spool);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete {Path}")]
    private partial void LogDeleteFailed(Exception exception, string path);
}
