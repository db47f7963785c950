using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Iot.Cloud.Storage;
using Iot.Cloud.Storage.S3;
using Iot.Dashboard.Tests.Infrastructure;
using Iot.TestSupport;
using Iot.TestSupport.ObjectStore;

namespace Iot.Dashboard.Tests.Audio;

/// <summary>
/// A dashboard whose audio store is a bucket on a real Ceph radosgw (<c>Dashboard:Storage:Kind=S3</c>) and that shares
/// no directory with any bridge: the recordings exist only as objects.
/// </summary>
public sealed class S3AudioTests(S3AudioTests.Fixture fx) : IClassFixture<S3AudioTests.Fixture>
{
    [Fact]
    public async Task A_chunk_in_the_bucket_plays_whole_and_seeks_by_byte_range()
    {
        using var client = await fx.Factory.ClientAsAsync(SeedData.AcmeAnalyst);
        var stored = fx.Objects[fx.Seed.AcmeChunk];

        var whole = await client.GetAsync($"/api/chunks/{fx.Seed.AcmeChunk}/audio");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        Assert.Equal("audio/ogg", whole.Content.Headers.ContentType!.MediaType);
        Assert.Equal(stored, await whole.Content.ReadAsByteArrayAsync());

        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/api/chunks/{fx.Seed.AcmeChunk}/audio");
        ranged.Headers.Range = new RangeHeaderValue(100, 1099);
        var part = await client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes 100-1099/{stored.Length}", part.Content.Headers.ContentRange!.ToString());
        Assert.Equal(stored.AsSpan(100, 1000).ToArray(), await part.Content.ReadAsByteArrayAsync());

        using var tail = new HttpRequestMessage(HttpMethod.Get, $"/api/chunks/{fx.Seed.AcmeChunk}/audio");
        tail.Headers.Range = new RangeHeaderValue(null, 300);
        var end = await client.SendAsync(tail);
        Assert.Equal(HttpStatusCode.PartialContent, end.StatusCode);
        Assert.Equal(stored.AsSpan(stored.Length - 300).ToArray(), await end.Content.ReadAsByteArrayAsync());

        using var past = new HttpRequestMessage(HttpMethod.Get, $"/api/chunks/{fx.Seed.AcmeChunk}/audio");
        past.Headers.Range = new RangeHeaderValue(stored.Length + 10, null);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await client.SendAsync(past)).StatusCode);
    }

    [Fact]
    public async Task A_dialogue_over_three_chunks_in_the_bucket_is_joined_into_one_stream_ffmpeg_decodes()
    {
        using var client = await fx.Factory.ClientAsAsync(SeedData.AcmeAnalyst);

        var response = await client.GetAsync($"/api/dialogues/{fx.Dialogue}/audio");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var scratch = new TempDirectory("s3-joined");
        var file = scratch.Sub("joined.ogg");
        await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
        var check = await ExternalTool.RunAsync("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"]);
        Assert.True(check.ExitCode == 0 && check.StdErr.Trim().Length == 0, $"ffmpeg: exit {check.ExitCode} {check.StdErr}");
        var probe = await ExternalTool.RunCheckedAsync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]);
        var seconds = double.Parse(probe.StdOut.Trim(), CultureInfo.InvariantCulture);
        Assert.InRange(seconds, (fx.DialogueDurations.Sum() / 1000.0) - 0.05, (fx.DialogueDurations.Sum() / 1000.0) + 0.05);
    }

    [Fact]
    public async Task Another_tenant_hears_nothing_from_the_bucket_by_chunk_dialogue_or_visit()
    {
        using var globex = await fx.Factory.ClientAsAsync(SeedData.GlobexAdmin);

        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"/api/chunks/{fx.Seed.AcmeChunk}/audio")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"/api/dialogues/{fx.Dialogue}/audio")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync($"/api/audio/2026-11-20/{SeedData.AcmeTransaction}")).StatusCode);
        // Its own chunk, from the same bucket, it does hear.
        Assert.Equal(HttpStatusCode.OK, (await globex.GetAsync($"/api/chunks/{fx.Seed.GlobexChunk}/audio")).StatusCode);
    }

    [Fact]
    public async Task A_chunk_whose_object_is_gone_is_not_found_rather_than_an_error()
    {
        using var client = await fx.Factory.ClientAsAsync(SeedData.GlobexAdmin);
        using var s3 = fx.Ceph.Client();
        var key = fx.Keys[fx.Seed.GlobexChunk];
        var body = fx.Objects[fx.Seed.GlobexChunk];
        await s3.DeleteObjectAsync(fx.Bucket, key);
        try
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/chunks/{fx.Seed.GlobexChunk}/audio")).StatusCode);
        }
        finally
        {
            using var store = new S3AudioStore(fx.Ceph.Client(), fx.Ceph.Options(fx.Bucket), "Dashboard:Storage");
            await store.PutAsync(key, body, Convert.ToHexStringLower(SHA256.HashData(body)), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Ready_reads_the_bucket_and_without_it_stays_200_but_names_the_audio_store_degraded_by_its_bucket_key()
    {
        using (var client = fx.Factory.CreateClient())
        {
            var ready = await HealthProbe.GetAsync(client, "/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.Code);
            Assert.Equal("healthy", ready.Status);
            Assert.Contains("readable", ready.Checks["audio-store"].Description, StringComparison.Ordinal);
        }

        // A second dashboard on the same database whose bucket is gone (deleted, or a typo in the configuration).
        var gone = await fx.Ceph.CreateBucketAsync("dashboard-gone");
        using (var s3 = fx.Ceph.Client())
        {
            await s3.DeleteBucketAsync(gone);
        }

        var settings = new Dictionary<string, string?>(fx.Settings);
        foreach (var (key, value) in fx.Ceph.Settings("Dashboard:Storage", gone))
        {
            settings[key] = value;
        }

        await using var broken = new DashboardFactory(settings);
        using var http = broken.CreateClient();
        var degraded = await HealthProbe.GetAsync(http, "/health/ready");

        // Pages, lists and reports still work without the store, so the dashboard stays in rotation; the probe says why playback will not.
        Assert.Equal(HttpStatusCode.OK, degraded.Code);
        Assert.Equal("degraded", degraded.Status);
        Assert.Equal(["audio-store"], degraded.Failing);
        Assert.Contains("Dashboard:Storage:S3:Bucket", degraded.Checks["audio-store"].Description, StringComparison.Ordinal);
    }

    /// <summary>Seed data and a three-chunk dialogue whose audio is moved into a fresh bucket and off the disk.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDirectory _state = new("iot-dash-s3");

        public DashboardFactory Factory { get; private set; } = null!;

        public SeedData Seed { get; private set; } = null!;

        public CephS3 Ceph { get; private set; } = null!;

        public string Bucket { get; private set; } = "";

        public Guid Dialogue { get; private set; }

        public int[] DialogueDurations { get; private set; } = [];

        public Dictionary<Guid, byte[]> Objects { get; } = [];

        public Dictionary<Guid, string> Keys { get; } = [];

        /// <summary>The dashboard's configuration, for a second dashboard on the same data.</summary>
        public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

        public async Task InitializeAsync()
        {
            var connectionString = await TestDatabase.CreateAsync("dash_s3");
            var bridgeDisk = _state.Sub("bridge-disk");
            Seed = await SeedData.WriteAsync(connectionString, bridgeDisk);
            (Dialogue, DialogueDurations) = await MultiChunkDialogue.SeedAsync(connectionString, bridgeDisk);

            Ceph = await CephS3.SharedAsync();
            Bucket = await Ceph.CreateBucketAsync("dashboard");
            using (var store = new S3AudioStore(Ceph.Client(), Ceph.Options(Bucket), "Dashboard:Storage"))
            {
                foreach (var file in Directory.EnumerateFiles(Path.Combine(bridgeDisk, "recordings"), "*.opus", SearchOption.AllDirectories))
                {
                    var key = Path.GetRelativePath(bridgeDisk, file).Replace(Path.DirectorySeparatorChar, '/');
                    var bytes = await File.ReadAllBytesAsync(file);
                    Assert.Equal(PutOutcome.Written, await store.PutAsync(key, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), CancellationToken.None));
                    if (Guid.TryParse(Path.GetFileNameWithoutExtension(file).Split('_')[^1], out var chunk))
                    {
                        Objects[chunk] = bytes;
                        Keys[chunk] = key;
                    }
                }
            }

            // The dashboard's machine has no copy of the bridge's disk.
            Directory.Delete(bridgeDisk, recursive: true);
            var settings = DashboardFactory.Defaults(connectionString, _state.Sub("no-such-bridge-disk"));
            settings["Dashboard:DataDirectory"] = _state.Sub("dashboard-data");
            foreach (var (key, value) in Ceph.Settings("Dashboard:Storage", Bucket))
            {
                settings[key] = value;
            }

            Settings = settings;
            Factory = new DashboardFactory(settings);
        }

        public async Task DisposeAsync()
        {
            if (Factory is not null)
            {
                await Factory.DisposeAsync();
            }

            _state.Dispose();
        }
    }
}
