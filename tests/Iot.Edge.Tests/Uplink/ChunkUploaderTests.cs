using System.Buffers;
using Iot.Edge.Agent.Hosting;
using Iot.Edge.Agent.Outbox;
using Iot.Edge.Agent.Uplink;
using Iot.Edge.Tests.Hosting;
using Iot.Edge.Tests.Outbox;
using Iot.Edge.Tests.Provisioning;
using Iot.Mqtt;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Iot.Edge.Tests.Uplink;

/// <summary>
/// The chunk uploader on its own (issue 18 item 1): the in-flight window, acks and resends, publishing to a real
/// MQTTnet broker that records what arrives. Time is a <see cref="FakeTimeProvider"/> so ack timeouts are exact.
/// </summary>
public sealed class ChunkUploaderTests : IAsyncLifetime
{
    private static readonly SessionTopics Topics = new("acme", "pos-1");
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly UplinkStatus _status = new();
    private FakeCloud _cloud = null!;
    private MqttSession _session = null!;
    private ChunkOutbox _outbox = null!;
    private ChunkUploadTracing _tracing = null!;

    public async Task InitializeAsync()
    {
        _cloud = await FakeCloud.StartAsync();
        _cloud.Allow("dev.acme.pos-1", "pw");
        _session = new MqttSession("test-uploader", TimeProvider.System);
        var outcome = await _session.ConnectAsync(new MqttConnectSettings { Host = "127.0.0.1", Port = _cloud.Port, ClientId = "dev-acme-pos-1", Username = "dev.acme.pos-1", Password = "pw" }, [], CancellationToken.None);
        Assert.True(outcome.IsConnected, outcome.Reason);
        _outbox = new ChunkOutbox(_dir.Sub("spool"), _time, NullLogger<ChunkOutbox>.Instance);
        _tracing = new ChunkUploadTracing(_status);
    }

    public async Task DisposeAsync()
    {
        await _session.DisconnectAsync("test done", null, CancellationToken.None);
        _session.Dispose();
        _tracing.Dispose();
        _outbox.Dispose();
        await _cloud.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_window_bounds_what_is_in_flight_and_only_a_stored_ack_takes_a_chunk_out_of_the_outbox()
    {
        var uploader = Uploader(maxInFlight: 2);
        var chunks = Enumerable.Range(0, 3).Select(i => OutboxChunks.Commit(_outbox, _time.GetUtcNow().AddSeconds(i))).ToList();
        var progress = 0;
        uploader.Progress += () => progress++;

        await uploader.PumpAsync(_session.Client, Topics, CancellationToken.None);
        await uploader.PumpAsync(_session.Client, Topics, CancellationToken.None);
        var sent = await ArrivedAsync(2);

        Assert.Equal(2, uploader.InFlight);
        Assert.Equal(chunks.Take(2).Select(c => c.ChunkId), sent);
        Assert.Equal(3, _outbox.GetStats().Pending);

        // A PUBACK proves nothing; the cloud's Stored ack does.
        uploader.OnAck(Ack(chunks[0].ChunkId, AckStatus.Stored));
        Assert.Null(_outbox.Find(chunks[0].ChunkId));
        Assert.Equal(1, progress);
        Assert.Equal(1, _status.Acked);

        await uploader.PumpAsync(_session.Client, Topics, CancellationToken.None);
        Assert.Equal(chunks.Select(c => c.ChunkId), await ArrivedAsync(3));
        Assert.Equal(2, uploader.InFlight);
    }

    [Fact]
    public async Task An_unacked_chunk_is_sent_again_after_the_ack_timeout_and_at_once_when_the_session_was_lost()
    {
        var uploader = Uploader(maxInFlight: 4, ackTimeoutSeconds: 30);
        var chunk = OutboxChunks.Commit(_outbox, _time.GetUtcNow());

        await uploader.PumpAsync(_session.Client, Topics, CancellationToken.None);
        await ArrivedAsync(1);
        _time.Advance(TimeSpan.FromSeconds(29));
        await uploader.PumpAsync(_session.Client, Topics, CancellationToken.None);
        await Task.Delay(300);
        Assert.Single(Chunks());

        _time.Advance(TimeSpan.FromSeconds(2));
        await uploader.PumpAsync(_session.Client, Topics, CancellationToken.None);
        Assert.Equal([chunk.ChunkId, chunk.ChunkId], await ArrivedAsync(2));
        Assert.Equal(1, _status.AckTimeouts);

        uploader.OnSessionLost();
        Assert.Equal(0, uploader.InFlight);
        await uploader.PumpAsync(_session.Client, Topics, CancellationToken.None);
        Assert.Equal(3, (await ArrivedAsync(3)).Count);
    }

    [Fact]
    public async Task A_retryable_rejection_defers_the_chunk_and_a_final_one_quarantines_it()
    {
        var uploader = Uploader(maxInFlight: 4);
        var later = OutboxChunks.Commit(_outbox, _time.GetUtcNow());
        var never = OutboxChunks.Commit(_outbox, _time.GetUtcNow().AddSeconds(1));
        await uploader.PumpAsync(_session.Client, Topics, CancellationToken.None);
        await ArrivedAsync(2);

        uploader.OnAck(Ack(later.ChunkId, AckStatus.Rejected, retryable: true));
        uploader.OnAck(Ack(never.ChunkId, AckStatus.Rejected, retryable: false));
        await uploader.PumpAsync(_session.Client, Topics, CancellationToken.None);
        await Task.Delay(300);

        // Deferred: not sent again until its backoff passed; the rejected one is set aside for good.
        Assert.Equal(2, Chunks().Count);
        Assert.Equal(never.ChunkId, Assert.Single(_outbox.Quarantined()).Id);
        _time.Advance(TimeSpan.FromMinutes(11));
        await uploader.PumpAsync(_session.Client, Topics, CancellationToken.None);
        Assert.Equal(later.ChunkId, (await ArrivedAsync(3))[2]);
    }

    [Fact]
    public async Task The_chunk_goes_out_under_the_identity_that_uploads_it()
    {
        var uploader = Uploader(maxInFlight: 1);
        OutboxChunks.Commit(_outbox, _time.GetUtcNow());

        await uploader.PumpAsync(_session.Client, new SessionTopics("acme", "renamed"), CancellationToken.None);

        await Eventually.WaitAsync(() => Task.FromResult(_cloud.On(new SessionTopics("acme", "renamed").Chunk).Count == 1), TimeSpan.FromSeconds(10), "chunk on the new identity's topic");
        var envelope = ChunkEnvelope.TryDecode(new ReadOnlySequence<byte>(_cloud.On(new SessionTopics("acme", "renamed").Chunk)[0].Payload), 1 << 20);
        Assert.Equal("renamed", envelope.Metadata!.DeviceId);
    }

    private ChunkUploader Uploader(int maxInFlight, double ackTimeoutSeconds = 60) => new(
        _outbox,
        _status,
        _tracing,
        Options.Create(new AgentOptions()),
        Options.Create(new MqttOptions { MaxInFlight = maxInFlight, AckTimeoutSeconds = ackTimeoutSeconds }),
        _time,
        NullLogger<ChunkUploader>.Instance);

    private static ReadOnlySequence<byte> Ack(Guid id, AckStatus status, bool retryable = false) =>
        new(ProtocolJson.Serialize(new ChunkAck { ChunkId = id, Status = status, Retryable = retryable, Reason = status == AckStatus.Rejected ? RejectReason.StorageUnavailable : RejectReason.None, AtUtc = DateTimeOffset.UtcNow }));

    private List<Guid> Chunks() => _cloud.On(Topics.Chunk)
        .Select(m => ChunkEnvelope.TryDecode(new ReadOnlySequence<byte>(m.Payload), 1 << 20).Metadata!.ChunkId)
        .ToList();

    private async Task<List<Guid>> ArrivedAsync(int count)
    {
        await Eventually.WaitAsync(() => Task.FromResult(_cloud.On(Topics.Chunk).Count >= count), TimeSpan.FromSeconds(10), $"{count} chunks at the broker");
        return Chunks();
    }
}
