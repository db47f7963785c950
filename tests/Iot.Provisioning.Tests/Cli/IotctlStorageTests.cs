using System.Security.Cryptography;
using Iot.Cloud.Storage;
using Iot.Cloud.Storage.Local;
using Iot.Provisioning.Tests.Infrastructure;
using Iot.TestSupport;
using Iot.TestSupport.ObjectStore;
using Amazon.S3.Model;

namespace Iot.Provisioning.Tests.Cli;

/// <summary><c>iotctl storage migrate</c> as a separate process, from a local store into a real Ceph radosgw bucket.</summary>
public sealed class IotctlStorageTests
{
    [Fact]
    public async Task Migrate_copies_every_recording_verified_a_second_run_copies_nothing_and_a_conflict_is_reported_not_overwritten()
    {
        using var dir = new TempDirectory("migrate");
        var ceph = await CephS3.SharedAsync();
        var bucket = await ceph.CreateBucketAsync("migrate");
        var local = new LocalAudioStore(dir.Path, "bridge-1");
        var written = new Dictionary<string, byte[]>();
        for (var i = 0; i < 12; i++)
        {
            var key = $"recordings/2026-03-0{1 + (i % 3)}/pos-{i % 4}/{Guid.NewGuid():n}.opus";
            var bytes = RandomNumberGenerator.GetBytes(2_000 + (i * 100));
            await local.PutAsync(key, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), CancellationToken.None);
            written[key] = bytes;
        }

        // What a crash leaves behind and the bridge's own state: never part of the audio.
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "recordings", "2026-03-01", "pos-0", "x.opus.1234.bridge-1" + LocalAudioStore.TempSuffix), "half");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "provisioning-api.token"), "secret");
        string[] args = ["storage", "migrate", "--from", dir.Path, "--s3-service-url", ceph.Endpoint, "--s3-bucket", bucket];
        var credentials = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = ceph.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = ceph.SecretKey };

        var first = await Iotctl.RunBareAsync(credentials, args);

        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Contains("12 object(s)", first.StdOut, StringComparison.Ordinal);
        Assert.Contains("12 copied and verified, 0 already in", first.StdOut, StringComparison.Ordinal);
        Assert.Equal(written.Keys.Order(StringComparer.Ordinal), (await ceph.KeysAsync(bucket)).Order(StringComparer.Ordinal));
        using var client = ceph.Client();
        foreach (var (key, bytes) in written)
        {
            using var stored = await client.GetObjectAsync(bucket, key);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), Convert.ToHexStringLower(await SHA256.HashDataAsync(stored.ResponseStream)));
        }

        // Resumed (or simply run again): nothing uploaded twice.
        var second = await Iotctl.RunBareAsync(credentials, args);
        Assert.True(second.ExitCode == 0, second.StdErr);
        Assert.Contains("0 copied and verified, 12 already in", second.StdOut, StringComparison.Ordinal);

        // A key the bucket holds with other bytes is reported and left alone; the rest still count.
        var clash = written.Keys.First();
        await client.DeleteObjectAsync(bucket, clash);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = clash, ContentBody = "other bytes" });
        var third = await Iotctl.RunBareAsync(credentials, args);
        Assert.Equal(1, third.ExitCode);
        Assert.Contains($"conflict: {clash}", third.StdErr, StringComparison.Ordinal);
        Assert.Contains("1 conflict(s)", third.StdOut, StringComparison.Ordinal);
        using var kept = await client.GetObjectAsync(bucket, clash);
        Assert.Equal("other bytes", await new StreamReader(kept.ResponseStream).ReadToEndAsync());
        Assert.Equal(written[clash], await File.ReadAllBytesAsync(local.PathOf(clash)));
    }

    [Theory]
    [InlineData(new[] { "storage", "migrate", "--from", "/nonexistent-iot-root", "--s3-bucket", "iot-audio" }, "--from: /nonexistent-iot-root does not exist")]
    [InlineData(new[] { "storage", "migrate", "--from", "/tmp", "--s3-bucket", "Bad_Bucket" }, "Storage:S3:Bucket 'Bad_Bucket'")]
    [InlineData(new[] { "storage", "migrate", "--from", "/tmp", "--s3-bucket", "iot-audio", "--s3-service-url", "rgw:7480" }, "Storage:S3:ServiceUrl")]
    [InlineData(new[] { "storage", "migrate", "--from", "/tmp", "--s3-bucket", "iot-audio", "--parallel", "0" }, "--parallel must be 1..64")]
    public async Task Bad_migrate_settings_exit_2_naming_what_to_fix(string[] args, string message)
    {
        var run = await Iotctl.RunBareAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_bucket_is_an_operation_failure_naming_the_bucket()
    {
        using var dir = new TempDirectory("migrate");
        var ceph = await CephS3.SharedAsync();
        var credentials = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = ceph.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = ceph.SecretKey };

        var run = await Iotctl.RunBareAsync(credentials, "storage", "migrate", "--from", dir.Path, "--s3-service-url", ceph.Endpoint, "--s3-bucket", "no-such-bucket-here");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("bucket 'no-such-bucket-here' does not exist", run.StdErr, StringComparison.Ordinal);
    }
}
