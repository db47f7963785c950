using Dapper;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.Retention;
using Iot.Protocol.Serialization;
using Npgsql;

namespace Iot.Cloud.Bridge.Persistence;

public sealed class ChunkRepository(NpgsqlDataSource dataSource, IJobQueue jobs)
{
    /// <summary>
    /// Inserts a batch in one round trip. Rows whose chunk id exists are left untouched (ON CONFLICT DO NOTHING);
    /// the result maps each id to the stored hash, so the caller can tell a replay from an id collision.
    /// chunks is partitioned by started_at, so its key is (chunk_id, started_at): a redelivery carries the start the
    /// device fixed in its outbox, and the key makes it a duplicate even when two bridges store it at once. The NOT
    /// EXISTS also turns away an id that comes back with another start (a forged or corrupted resend).
    /// In the same transaction each device with new chunks gets a <c>build-dialogues</c> job (deduplicated per
    /// device), so the pipeline learns of every stored chunk exactly when it becomes visible.
    /// </summary>
    public Task<InsertOutcome> InsertAsync(IReadOnlyList<ChunkRow> rows, string bridgeId, CancellationToken cancellationToken) =>
        InsertAsync(rows, bridgeId, static (_, _) => throw new InvalidOperationException("rows need their audio re-checked, but no re-check was given"), cancellationToken);

    /// <inheritdoc cref="InsertAsync(IReadOnlyList{ChunkRow}, string, CancellationToken)"/>
    /// <remarks>
    /// Rows marked <see cref="ChunkRow.RecheckAudio"/> are first locked against the orphan sweep
    /// (<see cref="AudioKeyLock"/>) and handed to <paramref name="recheckAudio"/>, which makes sure their audio is
    /// still stored; the lock is held until the rows commit.
    /// </remarks>
    public async Task<InsertOutcome> InsertAsync(
        IReadOnlyList<ChunkRow> rows,
        string bridgeId,
        Func<IReadOnlyList<ChunkRow>, CancellationToken, Task> recheckAudio,
        CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return new InsertOutcome(new HashSet<Guid>(), new Dictionary<Guid, string>());
        }

        var m = rows.Select(r => r.Metadata).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var recheck = rows.Where(r => r.RecheckAudio && r.StoragePath is not null).ToList();
        if (recheck.Count > 0)
        {
            await AudioKeyLock.LockAsync(connection, transaction, recheck.Select(r => r.Metadata.ChunkId), cancellationToken).ConfigureAwait(false);
            await recheckAudio(recheck, cancellationToken).ConfigureAwait(false);
        }

        var inserted = (await connection.QueryAsync<Guid>(new CommandDefinition(
            """
            INSERT INTO chunks (chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec,
                                byte_length, sha256, transaction_id, speech_segments, storage_path, audio_included, device_transcript, bridge_id, operator_id)
            SELECT u.chunk_id, u.tenant_id, u.device_id, u.seq, u.started_at, u.duration_ms, u.sample_rate, u.codec,
                   u.byte_length, u.sha256, u.transaction_id, u.segments::jsonb, u.storage_path, u.storage_path IS NOT NULL, u.transcript::jsonb, @bridgeId, u.operator_id
            FROM unnest(@ids, @tenants, @devices, @seqs, @starts, @durations, @rates, @codecs,
                        @lengths, @hashes, @transactions, @segments, @paths, @transcripts, @operators)
                 AS u(chunk_id, tenant_id, device_id, seq, started_at, duration_ms, sample_rate, codec,
                      byte_length, sha256, transaction_id, segments, storage_path, transcript, operator_id)
            WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.chunk_id = u.chunk_id)
            ON CONFLICT (chunk_id, started_at) DO NOTHING
            RETURNING chunk_id
            """,
            new
            {
                bridgeId,
                ids = m.Select(x => x.ChunkId).ToArray(),
                tenants = m.Select(x => x.TenantId).ToArray(),
                devices = m.Select(x => x.DeviceId).ToArray(),
                seqs = m.Select(x => x.Sequence).ToArray(),
                starts = m.Select(x => x.StartedAtUtc.UtcDateTime).ToArray(),
                durations = m.Select(x => x.DurationMs).ToArray(),
                rates = m.Select(x => x.SampleRate).ToArray(),
                codecs = m.Select(x => x.Codec).ToArray(),
                lengths = m.Select(x => x.ByteLength).ToArray(),
                hashes = m.Select(x => x.Sha256).ToArray(),
                transactions = m.Select(x => x.TransactionId).ToArray(),
                segments = m.Select(x => ProtocolJson.SerializeSegments(x.SpeechSegments)).ToArray(),
                paths = rows.Select(r => r.StoragePath).ToArray(),
                transcripts = m.Select(x => x.Transcript is null ? null : ProtocolJson.SerializeTranscript(x.Transcript)).ToArray(),
                operators = m.Select(x => x.OperatorId).ToArray(),
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToHashSet();

        // Sorted, so two batches naming the same devices take the dedup locks in one order (no deadlock); one statement
        // for all devices: each round trip inside the transaction is paid by every batch waiting behind its commit.
        var devices = m.Where(x => inserted.Contains(x.ChunkId)).Select(x => x.DeviceId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        await jobs.EnqueueAllAsync(connection, transaction, devices.Select(BuildDialoguesJob.For).ToList(), cancellationToken).ConfigureAwait(false);

        var existing = new Dictionary<Guid, string>();
        var notInserted = m.Select(x => x.ChunkId).Where(id => !inserted.Contains(id)).ToArray();
        if (notInserted.Length > 0)
        {
            foreach (var (id, sha) in await connection.QueryAsync<(Guid, string)>(new CommandDefinition(
                "SELECT chunk_id, sha256 FROM chunks WHERE chunk_id = ANY(@notInserted)",
                new { notInserted },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false))
            {
                existing[id] = sha;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new InsertOutcome(inserted, existing);
    }
}

public sealed record InsertOutcome(IReadOnlySet<Guid> Inserted, IReadOnlyDictionary<Guid, string> ExistingHashes);
