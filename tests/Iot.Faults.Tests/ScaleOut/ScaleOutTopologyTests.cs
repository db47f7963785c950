using System.Net;
using System.Net.Http.Headers;
using Dapper;
using Iot.Cloud.Pipeline.Retention;
using Iot.Cloud.Storage.S3;
using Iot.Faults.Tests.Harness;
using Iot.TestSupport;
using Iot.TestSupport.Dialogues;
using Iot.TestSupport.ObjectStore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Iot.Faults.Tests.ScaleOut;

/// <summary>
/// Issue 21's multi-machine topology as separate processes that share only PostgreSQL, Mosquitto and one Ceph bucket:
/// two bridges on one <c>$share</c> subscription, two <c>iot-worker</c>s and the dashboard, each with private storage
/// and temp directories. Agents speak known dialogues; one bridge is killed -9 between its PUTs and its commit, and a
/// worker is killed -9 while it transcribes.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class ScaleOutTopologyTests(ITestOutputHelper output)
{
    private static readonly string[] Scripts = ["en-warranty-accepted", "en-no-offer"];

    [Fact]
    public async Task Bridges_workers_and_dashboard_sharing_only_postgres_mosquitto_and_a_bucket_lose_and_duplicate_nothing_when_a_bridge_and_a_worker_are_killed()
    {
        var ceph = await CephS3.SharedAsync();
        var bucket = await ceph.CreateBucketAsync("scale-out");
        using var store = new S3AudioStore(ceph.Client(), ceph.Options(bucket), "Storage");
        using var media = new TempDirectory("scale-out-media");
        var scripts = Scripts.Select(id => DialogueScripts.All.Single(s => s.Id == id)).ToList();
        var spoken = media.Sub("spoken.wav");
        var speech = await DialogueSpeech.WriteCounterWavAsync(scripts, silenceSeconds: 8, spoken);
        // A minute of silence after the scripts: the agent loops its source (a recording agent never runs dry), and the
        // test drains the devices before the loop would say the scripts again.
        var wav = media.Sub("counter.wav");
        await ExternalTool.RunCheckedAsync("sox", [spoken, wav, "pad", "0", "60"]);
        var s3 = (string section) => ceph.Settings(section, bucket).ToDictionary(kv => kv.Key, kv => kv.Value!);

        await using var rig = await FaultRig.StartAsync(new FaultRigOptions
        {
            Devices = 2,
            ChunkSeconds = 2,
            StartAgents = false,
            Broker = BrokerKind.Mosquitto,
            AudioStore = store,
            ConfigureAgent = a => a with { WavPath = wav, Extra = new Dictionary<string, string> { ["Audio:BitrateBps"] = "128000" } },
            // Small batches: a backlog drains as many batches, each with its own window between PUTs and commit.
            ConfigureBridge = b => b with { InstanceId = "bridge-a", Extra = new Dictionary<string, string>(s3("Storage")) { ["Bridge:BatchSize"] = "2" } },
        });
        var machines = new[] { "bridge-b", "worker-1", "worker-2", "dashboard" }.ToDictionary(m => m, m => Directory.CreateDirectory(rig.Dir.Sub(m)).FullName);
        await using var bridgeB = await BridgeProcess.StartAsync(rig.Bridge.Settings with
        {
            InstanceId = "bridge-b",
            StorageRoot = machines["bridge-b"],
            LogPath = Path.Combine(machines["bridge-b"], "bridge.log"),
            SeedDevices = [],
        });
        var pipeline = new Dictionary<string, string>(s3("Pipeline:Storage"))
        {
            ["Pipeline:Transcription:Engine"] = "pocketsphinx",
            ["Pipeline:Dialogues:GapSeconds"] = "4",
            // Backlogged chunks arrive later than their audio time says; dialogues close on the silence after them.
            ["Pipeline:Dialogues:CloseGraceSeconds"] = "300",
            ["Pipeline:Workers:PollSeconds"] = "1",
            ["Pipeline:Workers:LeaseSeconds"] = "5",
        };
        await using var worker1 = await WorkerProcess.StartAsync("worker-1", rig.ConnectionString, machines["worker-1"], pipeline);
        await using var worker2 = await WorkerProcess.StartAsync("worker-2", rig.ConnectionString, machines["worker-2"], pipeline);
        await using var dashboard = await DashboardProcess.StartAsync(rig.ConnectionString, machines["dashboard"], s3("Dashboard:Storage"));
        using var stopKiller = new CancellationTokenSource();
        var workerKill = KillTheWorkerThatTranscribesAsync(rig.ConnectionString, [worker1, worker2], stopKiller.Token);

        // A backlog first (both bridges down, as after an outage), so the drain runs many batches through bridge-a.
        await rig.Bridge.TerminateAsync();
        await bridgeB.TerminateAsync();
        var agentsStarted = DateTime.UtcNow;
        rig.StartAgent();
        rig.StartAgent();
        await Backlog.BuiltAsync(rig, 12);
        await rig.Bridge.RestartAsync();
        await bridgeB.RestartAsync();
        await Backlog.DrainStartedAsync(rig, 0);

        var orphansAtKill = await ProbeUntilObjectsWithoutRowsAsync(rig, bridgeB, ceph, bucket);
        await rig.Bridge.KillAsync();
        Assert.True(orphansAtKill > 0, "no probe caught bridge-a between a PUT and its commit");
        // The devices resend what bridge-a never acked; bridge-b takes them, and bridge-a comes back as systemd would restart it.
        await Task.Delay(TimeSpan.FromSeconds(4));
        await rig.Bridge.RestartAsync();

        // Every device has said its whole recording before it is stopped and drained.
        var left = speech + TimeSpan.FromSeconds(3) - (DateTime.UtcNow - agentsStarted);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }

        var result = await rig.DrainAndVerifyAsync(TimeSpan.FromSeconds(150));
        result.Ledger.AssertExactlyOnce();

        await using var db = new NpgsqlConnection(rig.ConnectionString);
        var byBridge = (await db.QueryAsync<(string Bridge, long Chunks)>("SELECT bridge_id, count(*) FROM chunks GROUP BY bridge_id ORDER BY 1")).ToList();
        output.WriteLine($"{result.Line("scale-out", 1, $"chunks by bridge {string.Join(", ", byBridge.Select(b => $"{b.Bridge}={b.Chunks}"))} orphans-at-kill={orphansAtKill}")}");
        Assert.Equal(["bridge-a", "bridge-b"], byBridge.Select(b => b.Bridge));

        // Every dialogue transcribed and analysed exactly once, by the workers alone (the bridges run none).
        var expected = scripts.Count * rig.Agents.Count;
        await Eventually.WaitAsync(
            async () => await db.ExecuteScalarAsync<long>("SELECT count(*) FROM analyses") >= expected
                && await db.ExecuteScalarAsync<long>("SELECT count(*) FROM jobs WHERE status IN ('queued', 'running', 'waiting')") == 0,
            TimeSpan.FromMinutes(4),
            $"{expected} dialogues analysed and the queue empty",
            async () => string.Join("; ", await db.QueryAsync<string>(
                "SELECT kind || ':' || status || ' x' || attempts || coalesce(' ' || locked_by, '') || coalesce(' ' || last_error, '') FROM jobs ORDER BY job_id"))
                + $"\n{worker1}: {worker1.Tail(5)}\n{worker2}: {worker2.Tail(5)}");
        stopKiller.Cancel();
        var killed = await workerKill;
        Assert.True(killed is not null, "no worker was caught running a transcribe job");

        var dialogues = (await db.QueryAsync<(Guid Id, string Device, int Transcripts, int Analyses, bool Upsell)>(
            """
            SELECT d.dialogue_id, d.device_id,
                   (SELECT count(*)::int FROM transcripts t WHERE t.dialogue_id = d.dialogue_id),
                   (SELECT count(*)::int FROM analyses a WHERE a.dialogue_id = d.dialogue_id),
                   coalesce((SELECT a.upsell_attempted FROM analyses a WHERE a.dialogue_id = d.dialogue_id), false)
            FROM dialogues d ORDER BY d.device_id, d.started_at
            """)).ToList();
        Assert.Equal(expected, dialogues.Count);
        Assert.All(dialogues, d => Assert.True(d.Transcripts == 1 && d.Analyses == 1, $"dialogue {d.Id}: {d.Transcripts} transcripts, {d.Analyses} analyses"));
        foreach (var device in dialogues.GroupBy(d => d.Device))
        {
            Assert.Equal(scripts.Select(s => s.Upsell), device.Select(d => d.Upsell));
        }

        var job = await db.QuerySingleAsync<(string Status, int Attempts)>("SELECT status, attempts FROM jobs WHERE job_id = @id", new { id = killed.Value.JobId });
        output.WriteLine($"killed {killed.Value.WorkerId} running transcribe job {killed.Value.JobId}; it ended {job.Status} after {job.Attempts} attempts");
        Assert.Equal("done", job.Status);
        Assert.True(job.Attempts >= 2, $"the killed worker's job finished in {job.Attempts} attempt(s)");
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM jobs WHERE status = 'dead'"));

        // The dashboard, on a machine without any bridge's disk, plays audio either bridge wrote.
        using var staff = await dashboard.SignInAsync();
        foreach (var bridge in new[] { "bridge-a", "bridge-b" })
        {
            var (chunk, key) = await db.QueryFirstAsync<(Guid, string)>(
                "SELECT chunk_id, storage_path FROM chunks WHERE bridge_id = @bridge AND storage_path IS NOT NULL ORDER BY seq LIMIT 1", new { bridge });
            using var s3Client = ceph.Client();
            using var stored = await s3Client.GetObjectAsync(bucket, key);
            using var bytes = new MemoryStream();
            await stored.ResponseStream.CopyToAsync(bytes);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/chunks/{chunk}/audio");
            request.Headers.Range = new RangeHeaderValue(10, 209);
            using var part = await staff.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal(bytes.ToArray().AsSpan(10, 200).ToArray(), await part.Content.ReadAsByteArrayAsync());
        }

        using (var joined = await staff.GetAsync($"/api/dialogues/{dialogues[0].Id}/audio"))
        {
            Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
            var file = media.Sub("dialogue.ogg");
            await File.WriteAllBytesAsync(file, await joined.Content.ReadAsByteArrayAsync());
            var decoded = await ExternalTool.RunAsync("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"]);
            Assert.True(decoded.ExitCode == 0 && decoded.StdErr.Trim().Length == 0, $"ffmpeg: exit {decoded.ExitCode} {decoded.StdErr}");
        }

        // The orphan sweep, run as if hours later: the killed bridge's objects were adopted by the resends' rows.
        await using var dataSource = NpgsqlDataSource.Create(rig.ConnectionString);
        var sweep = await new OrphanAudioSweep(dataSource, store, new RetentionOptions(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2)), NullLogger.Instance)
            .RunAsync(CancellationToken.None);
        Assert.Equal(0, sweep.Deleted);
        Assert.Equal(result.Ledger.Stored, sweep.Scanned);

        // No process kept recordings on its own disk (the dashboard's joined-audio cache is its own, rebuilt on demand).
        foreach (var root in machines.Values.Append(rig.Bridge.StorageRoot))
        {
            Assert.Empty(Directory.EnumerateDirectories(root, "recordings", SearchOption.AllDirectories));
        }
    }

    /// <summary>Kills -9 whichever worker is first seen running a transcribe job; returns it and the job.</summary>
    private static async Task<(string WorkerId, long JobId)?> KillTheWorkerThatTranscribesAsync(string connectionString, WorkerProcess[] workers, CancellationToken cancellationToken)
    {
        await using var db = new NpgsqlConnection(connectionString);
        try
        {
            while (true)
            {
                await Task.Delay(20, cancellationToken);
                var running = await db.QueryFirstOrDefaultAsync<(long JobId, string LockedBy)?>(
                    "SELECT job_id, locked_by FROM jobs WHERE kind = 'transcribe' AND status = 'running' AND locked_by IS NOT NULL LIMIT 1");
                if (running is { } job && workers.FirstOrDefault(w => w.WorkerId == job.LockedBy) is { } victim)
                {
                    await victim.KillAsync();
                    return (victim.WorkerId, job.JobId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Freezes both bridges at random moments until the bucket holds objects no row names, then lets bridge-b run on
    /// for a moment: objects still without a row after that are bridge-a's, a batch frozen between its PUTs and its
    /// commit. Leaves bridge-a frozen there for the kill (bridge-b running) and returns how many objects it had PUT
    /// (0 = gave up).
    /// </summary>
    private static async Task<int> ProbeUntilObjectsWithoutRowsAsync(FaultRig rig, BridgeProcess other, CephS3 ceph, string bucket)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await Task.Delay(FaultRounds.Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(40)));
            await rig.Bridge.PauseAsync();
            await other.PauseAsync();
            var first = await OrphansAsync();
            await other.ResumeAsync();
            if (first.Count > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                var bridgeA = first.Intersect(await OrphansAsync()).Count();
                if (bridgeA > 0)
                {
                    return bridgeA;
                }
            }

            await rig.Bridge.ResumeAsync();
        }

        return 0;

        async Task<HashSet<string>> OrphansAsync()
        {
            var named = (await rig.Chunks.AllAsync()).Select(r => r.StoragePath).ToHashSet(StringComparer.Ordinal);
            return (await ceph.KeysAsync(bucket)).Where(k => !named.Contains(k)).ToHashSet(StringComparer.Ordinal);
        }
    }
}
