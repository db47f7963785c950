using System.Diagnostics;
using System.Globalization;
using Iot.Cloud.Bridge.Broker;
using Iot.Cloud.Bridge.Broker.Security;
using Iot.Faults.Tests.Harness;
using Iot.Protocol.Chunks;
using Iot.Protocol.Messages;
using Iot.Protocol.Provisioning;
using Iot.Protocol.Topics;
using Iot.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.Fuzz;

/// <summary>
/// Test 7 of the fault suite: ≥ 10,000 hostile messages (<c>IOT_FAULTS_FUZZ</c>, seed <c>IOT_FAULTS_FUZZ_SEED</c>)
/// from an authenticated device and a claim credential against the real bridge process with its authenticating
/// embedded broker. The bridge must stay up with bounded memory, count every refusal, and leave stored data alone.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class BridgeFuzzTests(ITestOutputHelper output)
{
    private const string Tenant = "acme";
    private const string Device = "pos-1";
    private const string Serial = "fuzz-serial-1";
    private const string ClaimId = "fuzz-claim";
    private const int MaxPayloadBytes = 128 * 1024;
    private const int MaxOutstanding = 256;
    private const long RssLimitBytes = 1024L * 1024 * 1024;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Hostile_messages_from_a_device_and_a_claim_are_refused_and_counted_while_the_bridge_stays_up_and_stored_data_stays_unchanged()
    {
        var count = FaultRounds.PositiveFromEnvironment("IOT_FAULTS_FUZZ", 10_000);
        var seed = FaultRounds.PositiveFromEnvironment("IOT_FAULTS_FUZZ_SEED", 20261126);
        output.WriteLine($"fuzz seed={seed} messages={count} (IOT_FAULTS_FUZZ_SEED / IOT_FAULTS_FUZZ to change)");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        using var dir = new TempDirectory("iot-fuzz");
        await using var postgres = await PostgresProcess.StartAsync();
        var db = await postgres.CreateDatabaseAsync();
        var port = FreePort.Next();
        await using var bridge = await BridgeProcess.StartAsync(new BridgeSettings(db, dir.Sub("store"), port, External: false)
        {
            SeedDevices = [$"{Tenant}/{Device}"],
            LogPath = dir.Sub("bridge.log"),
            Extra = new Dictionary<string, string>
            {
                ["Broker:RequireAuthentication"] = "true",
                ["Bridge:MaxPayloadBytes"] = MaxPayloadBytes.ToString(CultureInfo.InvariantCulture),
                // Provisioning logs each answer at Information; the fuzz counts its "invalid" answers from the log.
                ["Serilog:MinimumLevel:Override:Iot.Provisioning.Messaging.ProvisioningConnection"] = "Information",
            },
        });
        var (deviceSecret, claimSecret) = await CreateCredentialsAsync(db);
        await using var device = await FuzzClient.ConnectAsync(port, $"{Tenant}.{Device}", $"{Tenant}.{Device}", deviceSecret, TopicTree.Ack(Tenant, Device), ct);
        await using var claim = await FuzzClient.ConnectAsync(port, MqttIdentities.ClaimPrefix + Serial, MqttIdentities.ClaimPrefix + ClaimId, claimSecret, ProvisioningTopics.Response(Serial), ct);

        var stored = await StoreValidChunksAsync(device, seed, 5, ct);
        var before = await StoreSnapshot.ReadAsync(db, bridge.StorageRoot);
        Assert.Equal(5, before.Rows.Count);
        var logBefore = await BridgeLogCounts.ReadAsync(bridge.Settings.LogPath);
        var answersBefore = device.AnswerCount;

        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        long sent = 0, expectedAcks = 0, expectedResponses = 0, expectedRefused = 0;
        await using (var memory = ProcessMemory.Watch(bridge.ProcessId!.Value))
        {
            var corpus = new FuzzCorpus(seed, Tenant, Device, Serial, stored, MaxPayloadBytes);
            using var inFlight = new SemaphoreSlim(32);
            var publishes = new List<Task>();
            foreach (var message in corpus.Generate(count))
            {
                var key = message.Outcome switch
                {
                    FuzzOutcome.Rejected => $"rejected:{message.Reason}",
                    FuzzOutcome.Duplicate => "duplicate",
                    FuzzOutcome.Refused => "refused",
                    _ => "invalid",
                };
                expected[key] = expected.GetValueOrDefault(key) + 1;
                switch (message.Outcome)
                {
                    case FuzzOutcome.Rejected or FuzzOutcome.Duplicate:
                        expectedAcks++;
                        break;
                    case FuzzOutcome.ProvisioningInvalid:
                        expectedResponses++;
                        break;
                    default:
                        expectedRefused++;
                        break;
                }

                // Keep the bridge's backlog bounded: hostile traffic must not be able to outrun what we can count.
                while (expectedAcks - (device.AnswerCount - answersBefore) > MaxOutstanding || expectedResponses - claim.AnswerCount > MaxOutstanding)
                {
                    Assert.True(bridge.IsRunning, "the bridge died during the fuzz:\n" + bridge.Tail(40));
                    await Task.Delay(5, ct);
                }

                await inFlight.WaitAsync(ct);
                var client = message.Sender == FuzzSender.Device ? device : claim;
                publishes.Add(PublishReleasingAsync(client, message, inFlight, ct));
                sent++;
            }

            await Task.WhenAll(publishes);
            await Eventually.WaitAsync(
                () => Task.FromResult(device.AnswerCount - answersBefore >= expectedAcks && claim.AnswerCount >= expectedResponses),
                SettleTimeout,
                "an answer to every fuzz message that is owed one",
                () => Task.FromResult($"acks {device.AnswerCount - answersBefore}/{expectedAcks}, responses {claim.AnswerCount}/{expectedResponses}, bridge running {bridge.IsRunning}\n{bridge.Tail(20)}"));
            var fuzzTime = clock.Elapsed;

            Assert.True(bridge.IsRunning, "the bridge died:\n" + bridge.Tail(40));
            var rssEnd = memory.Now();
            var after = await StoreSnapshot.ReadAsync(db, bridge.StorageRoot);
            var log = (await BridgeLogCounts.ReadAsync(bridge.Settings.LogPath)).Minus(logBefore);

            var got = new Dictionary<string, long>(device.Answers.Where(kv => kv.Key != "stored"), StringComparer.Ordinal);
            foreach (var (k, v) in claim.Answers)
            {
                got[k] = got.GetValueOrDefault(k) + v;
            }

            got["refused"] = device.RefusedCount + claim.RefusedCount;
            var byReason = string.Join(',', log.RejectedByReason.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}:{kv.Value}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fault=fuzz seed={seed} messages={sent} rejected={log.RejectedTotal} refused={log.PublishesRefused} provisioning-invalid={log.ProvisioningInvalid} duplicates={got.GetValueOrDefault("duplicate")} by-reason={byReason} rss-start/peak/end={Mib(memory.Start)}/{Mib(memory.Peak)}/{Mib(rssEnd)}MiB stored-before={before.Rows.Count} after={after.Rows.Count} files-before={before.Files.Count} after={after.Files.Count} time={fuzzTime.TotalSeconds:0.0}s"));

            Assert.Equal(Describe(expected), Describe(got));
            foreach (var (key, n) in expected.Where(kv => kv.Key.StartsWith("rejected:", StringComparison.Ordinal)))
            {
                Assert.True(log.RejectedByReason.GetValueOrDefault(key["rejected:".Length..]) == n, $"the bridge logged {log.RejectedByReason.GetValueOrDefault(key["rejected:".Length..])} rejections for {key}, {n} sent");
            }

            Assert.Equal(expectedRefused, log.PublishesRefused);
            Assert.Equal(expectedResponses, log.ProvisioningInvalid);
            Assert.True(memory.Peak < RssLimitBytes, $"bridge RSS peaked at {Mib(memory.Peak)} MiB (limit {Mib(RssLimitBytes)})");
            Assert.True(after.SameAs(before), "stored chunks or files changed under the fuzz");
        }

        // Still answering: a fresh valid chunk is stored and acked as usual.
        var fresh = await StoreValidChunksAsync(device, seed + 1, 1, ct);
        Assert.Single(fresh);
        Assert.True(device.IsConnected && claim.IsConnected, "the broker dropped an authenticated session during the fuzz");

        // Past Broker:MaxPacketBytes a packet is a protocol error (MQTT 5 "packet too large"): the broker routes nothing,
        // closes that session and counts it; the device reconnects and its next chunk is stored as usual.
        var oversizedBefore = (await BridgeLogCounts.ReadAsync(bridge.Settings.LogPath)).Oversized;
        var tooLarge = new byte[MaxPayloadBytes + BrokerOptions.PacketOverheadBytes + 1];
        var reason = await device.PublishTooLargeAsync(TopicTree.Chunk(Tenant, Device), tooLarge, ct);
        Assert.True(reason is null or MQTTnet.MqttClientPublishReasonCode.QuotaExceeded, $"PUBACK {reason} for a packet over the broker's maximum");
        await Eventually.WaitAsync(() => Task.FromResult(!device.IsConnected), TimeSpan.FromSeconds(10), "the broker closed the session that sent a packet over its maximum");
        Assert.Equal(oversizedBefore + 1, (await BridgeLogCounts.ReadAsync(bridge.Settings.LogPath)).Oversized);
        Assert.True(claim.IsConnected, "a packet over the maximum from one client closed another's session");
        await using var again = await FuzzClient.ConnectAsync(port, $"{Tenant}.{Device}", $"{Tenant}.{Device}", deviceSecret, TopicTree.Ack(Tenant, Device), ct);
        Assert.Single(await StoreValidChunksAsync(again, seed + 2, 1, ct));
        var final = await StoreSnapshot.ReadAsync(db, bridge.StorageRoot);
        Assert.Equal(before.Rows.Count + 2, final.Rows.Count);
    }

    private static async Task PublishReleasingAsync(FuzzClient client, FuzzMessage message, SemaphoreSlim inFlight, CancellationToken ct)
    {
        try
        {
            var accepted = await client.PublishAsync(message, ct);
            Assert.True(accepted == (message.Outcome != FuzzOutcome.Refused), $"{message.Category} on {FuzzClient.Shorten(message.Topic)}: broker {(accepted ? "accepted" : "refused")} it");
        }
        finally
        {
            inFlight.Release();
        }
    }

    /// <summary>Publishes valid chunks and waits for their <c>stored</c> acks; returns their envelopes for replays.</summary>
    private static async Task<IReadOnlyList<byte[]>> StoreValidChunksAsync(FuzzClient device, int seed, int n, CancellationToken ct)
    {
        var corpus = new FuzzCorpus(seed, Tenant, Device, Serial, [], MaxPayloadBytes);
        var random = new Random(seed);
        var envelopes = new List<(Guid Id, byte[] Envelope)>();
        for (var i = 0; i < n; i++)
        {
            var audio = new byte[random.Next(1000, 8000)];
            random.NextBytes(audio);
            var metadata = corpus.FreshMetadata(audio, 1000 + seed % 1000 + i);
            envelopes.Add((metadata.ChunkId, ChunkEnvelope.Encode(metadata, audio)));
            Assert.True(await device.PublishAsync(new FuzzMessage(FuzzSender.Device, "valid", TopicTree.Chunk(Tenant, Device), envelopes[^1].Envelope, FuzzOutcome.Rejected), ct));
        }

        await Eventually.WaitAsync(
            () => Task.FromResult(envelopes.All(e => device.Acks.Any(a => a.ChunkId == e.Id && a.Status == AckStatus.Stored))),
            TimeSpan.FromSeconds(30),
            $"{n} valid chunk(s) stored",
            () => Task.FromResult(string.Join("; ", device.Acks.Select(a => $"{a.ChunkId} {a.Status} {a.Reason} {a.Detail}"))));
        return envelopes.Select(e => e.Envelope).ToList();
    }

    /// <summary>Gives the seeded device a secret and creates a claim credential, as provisioning would have.</summary>
    private static async Task<(string Device, string Claim)> CreateCredentialsAsync(string connectionString)
    {
        const string deviceSecret = "fuzz-device-secret-0123456789";
        const string claimSecret = "fuzz-claim-secret-0123456789";
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            UPDATE devices SET secret_hash = @device WHERE tenant_id = @tenant AND device_id = @deviceId;
            INSERT INTO branches (branch_id, tenant_id, name) VALUES ('fuzz-branch', @tenant, 'Fuzz');
            INSERT INTO claim_tokens (claim_id, tenant_id, branch_id, secret_hash) VALUES (@claimId, @tenant, 'fuzz-branch', @claim);
            """,
            connection);
        command.Parameters.AddWithValue("device", SecretHash.Create(deviceSecret));
        command.Parameters.AddWithValue("claim", SecretHash.Create(claimSecret));
        command.Parameters.AddWithValue("tenant", Tenant);
        command.Parameters.AddWithValue("deviceId", Device);
        command.Parameters.AddWithValue("claimId", ClaimId);
        await command.ExecuteNonQueryAsync();
        return (deviceSecret, claimSecret);
    }

    private static string Describe(Dictionary<string, long> counts) =>
        string.Join(", ", counts.Where(kv => kv.Value != 0).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static long Mib(long bytes) => bytes / (1024 * 1024);
}
